using Holdfast.Core.Routing;
using Microsoft.Extensions.Logging;

namespace Holdfast.Gateway.Routing;

/// <summary>
/// Runs a route's targets for one request, in order, falling back to the next target when an
/// attempt fails before anything reached the client. It knows nothing of wire protocols: each
/// surface (OpenAI, Anthropic) passes a send function that calls one target and forwards its
/// answer, and turns the final failure into its own error shape.
/// </summary>
public sealed partial class TargetDispatcher(ILogger<TargetDispatcher> logger)
{
    public async Task<DispatchResult> DispatchAsync<TState>(
        Route route,
        TState state,
        Func<TargetAttempt, TState, Task<AttemptOutcome>> send,
        CancellationToken cancellationToken)
    {
        AttemptFailure? lastFailure = null;
        var attempts = 0;
        for (var i = 0; i < route.Targets.Count; i++)
        {
            var target = route.Targets[i];
            attempts++;
            var outcome = await send(new TargetAttempt(target, attempts, cancellationToken), state);
            switch (outcome.Status)
            {
                case AttemptStatus.Delivered:
                    lastFailure?.Dispose();
                    return new DispatchResult(DispatchStatus.Delivered, outcome.Result, target, attempts, null);
                case AttemptStatus.ClientClosed:
                    lastFailure?.Dispose();
                    return new DispatchResult(DispatchStatus.ClientClosed, outcome.Result, target, attempts, null);
                default:
                    var failure = outcome.Failure!;
                    LogAttemptFailed(logger, target.Provider.Name, target.Model, failure.Kind, failure.UpstreamStatus ?? 0, failure.Error.Message);
                    lastFailure?.Dispose();
                    lastFailure = outcome.Failure;
                    break;
            }
        }
        return new DispatchResult(DispatchStatus.Exhausted, default, null, attempts, lastFailure);
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Information,
        Message = "Provider {Provider} model {Model} failed ({Kind}, HTTP {Status}): {Reason}")]
    private static partial void LogAttemptFailed(ILogger logger, string provider, string model, FailureKind kind, int status, string reason);
}
