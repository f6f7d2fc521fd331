using Holdfast.Core.Routing;
using Holdfast.Gateway.Forwarding;

namespace Holdfast.Gateway.Routing;

/// <summary>
/// How a request's dispatch ended. When <see cref="Delivered"/> is false and the client is still
/// there, the surface answers with <see cref="LastFailure"/> (its upstream response if it has one,
/// otherwise its error) in its own protocol's shape.
/// </summary>
public readonly record struct DispatchResult(
    DispatchStatus Status,
    ForwardResult Result,
    Target? Target,
    int Attempts,
    AttemptFailure? LastFailure)
{
    public bool Delivered => Status == DispatchStatus.Delivered;
}

public enum DispatchStatus
{
    Delivered,
    ClientClosed,

    /// <summary>Every target failed (or none could be tried); see <see cref="DispatchResult.LastFailure"/>.</summary>
    Exhausted,
}
