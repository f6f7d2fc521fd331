namespace Holdfast.Gateway.Providers;

public enum UpstreamFailure
{
    None,
    Refused,
    Timeout,
    ClientClosed,
    Protocol,
}

/// <summary>The outcome of one upstream call: a response whose headers arrived, or why there is none.</summary>
public readonly record struct UpstreamResult(HttpResponseMessage? Response, UpstreamFailure Failure, string? Detail = null)
{
    public bool Succeeded => Response is not null;
}
