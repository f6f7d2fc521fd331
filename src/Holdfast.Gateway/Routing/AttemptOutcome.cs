using Holdfast.Gateway.Errors;
using Holdfast.Gateway.Forwarding;

namespace Holdfast.Gateway.Routing;

public enum AttemptStatus
{
    /// <summary>The answer went to the client (success or an error that is the request's own fault): stop here.</summary>
    Delivered,

    /// <summary>Nothing reached the client and another target (or a later retry) may succeed.</summary>
    Failed,

    /// <summary>The client left; nothing more to do.</summary>
    ClientClosed,
}

/// <summary>What a surface's send function reports for one attempt.</summary>
public readonly record struct AttemptOutcome
{
    private AttemptOutcome(AttemptStatus status, ForwardResult result, AttemptFailure? failure)
    {
        Status = status;
        Result = result;
        Failure = failure;
    }

    public AttemptStatus Status { get; }

    /// <summary>What was sent to the client, when <see cref="Status"/> is <see cref="AttemptStatus.Delivered"/>.</summary>
    public ForwardResult Result { get; }

    /// <summary>Why the attempt failed, when <see cref="Status"/> is <see cref="AttemptStatus.Failed"/>.</summary>
    public AttemptFailure? Failure { get; }

    public static AttemptOutcome Delivered(ForwardResult result) => new(AttemptStatus.Delivered, result, null);

    public static AttemptOutcome Failed(AttemptFailure failure) => new(AttemptStatus.Failed, default, failure);

    public static AttemptOutcome ClientClosed { get; } =
        new(AttemptStatus.ClientClosed, new ForwardResult(499, Core.Usage.UsageOutcome.ClientClosed, default, null, "client closed the connection"), null);
}

/// <summary>
/// A failed attempt. <paramref name="Response"/> is the upstream's error answer when there was one:
/// if no other target succeeds, the surface passes the last such answer on to the client (so a
/// provider's own 429 or 503 reaches it as sent); the dispatcher disposes the ones it drops.
/// </summary>
public sealed record AttemptFailure(FailureKind Kind, GatewayError Error, HttpResponseMessage? Response = null) : IDisposable
{
    /// <summary>The upstream status, when it answered.</summary>
    public int? UpstreamStatus => Response is null ? null : (int)Response.StatusCode;

    public void Dispose() => Response?.Dispose();
}

/// <summary>Why an attempt failed, in the terms retry policies are written in.</summary>
public enum FailureKind
{
    /// <summary>The upstream answered with an error status.</summary>
    Status,

    /// <summary>No connection could be made.</summary>
    Refused,

    /// <summary>The connect, first-byte or total timeout passed.</summary>
    Timeout,

    /// <summary>The connection broke, or the answer was not valid for the protocol.</summary>
    Malformed,

    /// <summary>The target's own max_concurrent or rpm left no room in time; not the target's fault.</summary>
    Busy,
}
