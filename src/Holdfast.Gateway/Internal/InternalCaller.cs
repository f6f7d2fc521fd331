using Holdfast.Core.Keys;

namespace Holdfast.Gateway.Internal;

/// <summary>
/// Marks a request made from inside Holdfast (a workflow step, an agent, a batch job) on behalf of
/// a key. Such requests carry no secret; the key is given directly.
/// </summary>
public sealed record InternalCaller(VirtualKey Key);
