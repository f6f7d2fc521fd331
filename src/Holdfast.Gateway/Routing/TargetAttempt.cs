using Holdfast.Core.Routing;

namespace Holdfast.Gateway.Routing;

/// <summary>One try of one target, as handed to a surface's send function.</summary>
/// <param name="Target">The provider and upstream model to call.</param>
/// <param name="Number">1 for the first attempt of the request, counting every target and retry.</param>
/// <param name="Timeouts">Connect and first-byte timeouts for the provider call.</param>
/// <param name="Cancellation">Cancelled when the client leaves or the attempt's or request's time is up.</param>
public readonly record struct TargetAttempt(Target Target, int Number, AttemptTimeouts Timeouts, CancellationToken Cancellation);
