namespace Holdfast.Gateway.Errors;

/// <summary>
/// An error as the client will see it, in the OpenAI shape. Expected failures are values of this
/// type, not exceptions. Messages never carry secrets.
/// </summary>
public sealed record GatewayError(int Status, string Type, string? Code, string Message, string? Param = null)
{
    /// <summary>Seconds the client should wait before retrying, sent as <c>Retry-After</c>.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Sent as <c>x-should-retry</c> when set: false for failures a retry cannot fix.</summary>
    public bool? ShouldRetry { get; init; }

    public static GatewayError InvalidRequest(string message, string? param = null, string? code = null) =>
        new(400, "invalid_request_error", code, message, param);

    public static GatewayError InvalidJson(string detail) =>
        new(400, "invalid_request_error", "invalid_json", $"The request body is not valid JSON: {detail}");

    public static GatewayError MissingKey() =>
        new(401, "invalid_request_error", "invalid_api_key",
            "No API key provided. Send it as 'Authorization: Bearer <key>'.");

    public static GatewayError InvalidKey() =>
        new(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided.");

    public static GatewayError RevokedKey() =>
        new(401, "invalid_request_error", "invalid_api_key", "This API key has been revoked.");

    public static GatewayError RouteNotAllowed(string route) =>
        new(403, "permission_error", "model_not_allowed", $"This API key may not use the model '{route}'.", "model");

    public static GatewayError UnknownModel(string route) =>
        new(404, "invalid_request_error", "model_not_found", $"The model '{route}' does not exist.", "model");

    public static GatewayError NotFound(string what) =>
        new(404, "invalid_request_error", "not_found", what);

    public static GatewayError BodyTooLarge(long limit) =>
        new(413, "invalid_request_error", "request_too_large", $"The request body is larger than the limit of {limit} bytes.");

    /// <param name="type"><c>requests</c> or <c>tokens</c>, as OpenAI names the limit that was hit.</param>
    public static GatewayError RateLimited(string message, int retryAfterSeconds, string type = "requests") =>
        new(429, type, "rate_limit_exceeded", message) { RetryAfterSeconds = retryAfterSeconds };

    public static GatewayError Unreachable(string provider) =>
        new(502, "upstream_error", "upstream_unreachable", $"Could not connect to provider '{provider}'.");

    public static GatewayError BadUpstreamResponse(string provider, string detail) =>
        new(502, "upstream_error", "bad_upstream_response", $"Provider '{provider}' sent an invalid response: {detail}");

    public static GatewayError UpstreamStatus(string provider, int status) =>
        new(status == 529 ? 503 : status, "upstream_error", "upstream_error", $"Provider '{provider}' answered with HTTP {status}.");

    public static GatewayError NoTarget(string route) =>
        new(503, "server_error", "no_healthy_target", $"No target of the model '{route}' is available right now.") { RetryAfterSeconds = 1 };

    public static GatewayError TargetBusy(string provider) =>
        new(503, "server_error", "target_busy", $"Provider '{provider}' is at its configured limit.") { RetryAfterSeconds = 1 };

    public static GatewayError Timeout(string provider) =>
        new(504, "upstream_error", "upstream_timeout", $"Provider '{provider}' did not answer in time.");

    public static GatewayError ShuttingDown() =>
        new(503, "server_error", "shutting_down", "The server is shutting down; retry on another node or shortly.") { RetryAfterSeconds = 1 };
}
