using Holdfast.Core.Keys;

namespace Holdfast.Gateway.Internal;

/// <summary>
/// Marks a request made from inside Holdfast (a workflow step, an agent, a batch job) on behalf of
/// a key. Such requests carry no secret; the key is given directly. <see cref="Workflow"/> and
/// <see cref="RunId"/>, when set, put the call under that workflow's and run's budgets and are
/// written on its usage record.
/// </summary>
public sealed record InternalCaller(VirtualKey Key)
{
    public string? Workflow { get; init; }

    public string? RunId { get; init; }
}
