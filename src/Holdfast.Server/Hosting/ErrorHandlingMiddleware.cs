using Holdfast.Gateway.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Holdfast.Server.Hosting;

/// <summary>
/// The last line: an exception that escapes a handler becomes a 500 in the API's error shape, with
/// no stack trace; a response with an error status and no body gets one.
/// </summary>
public sealed partial class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e)
        {
            await OpenAiErrorWriter.WriteAsync(context, new GatewayError(e.StatusCode, "invalid_request_error", "bad_request", e.Message));
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            LogUnhandled(logger, context.TraceIdentifier, e);
            await OpenAiErrorWriter.WriteAsync(context, new GatewayError(500, "server_error", "internal_error",
                $"The server had an error processing request {context.TraceIdentifier}."));
            return;
        }

        var response = context.Response;
        if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && response.ContentType is null)
        {
            var error = response.StatusCode switch
            {
                404 => GatewayError.NotFound($"No such endpoint: {context.Request.Method} {context.Request.Path}."),
                405 => new GatewayError(405, "invalid_request_error", "method_not_allowed", $"{context.Request.Method} is not allowed on {context.Request.Path}."),
                _ => new GatewayError(response.StatusCode, "invalid_request_error", null, $"HTTP {response.StatusCode}."),
            };
            await OpenAiErrorWriter.WriteAsync(context, error);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled error in request {RequestId}")]
    private static partial void LogUnhandled(ILogger logger, string requestId, Exception exception);
}
