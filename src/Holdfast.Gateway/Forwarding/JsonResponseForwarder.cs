using Holdfast.Core.Usage;
using Holdfast.Gateway.Errors;
using Holdfast.Gateway.Http;
using Holdfast.Gateway.Metering;
using Holdfast.Gateway.OpenAi;
using Microsoft.AspNetCore.Http;

namespace Holdfast.Gateway.Forwarding;

/// <summary>
/// Passes a whole (non-streamed) upstream answer to the client, reading usage on the way. Upstream
/// errors keep their status; bodies that are not in the OpenAI error shape are wrapped into it.
/// </summary>
public static class JsonResponseForwarder
{
    private const int MaxResponseBytes = 256 * 1024 * 1024;

    public static async Task<ForwardResult> ForwardAsync(
        HttpContext context, HttpResponseMessage upstream, string provider, long startTimestamp, TimeProvider time, CancellationToken cancellationToken)
    {
        using var body = new PooledBuffer((int)Math.Min(upstream.Content.Headers.ContentLength ?? 4096, MaxResponseBytes));
        try
        {
            await using var stream = await upstream.Content.ReadAsStreamAsync(cancellationToken);
            int read;
            while ((read = await stream.ReadAsync(body.GetFreeSpace(8192), cancellationToken)) > 0)
            {
                body.Advance(read);
                if (body.Length > MaxResponseBytes)
                    return await FailAsync(context, GatewayError.BadUpstreamResponse(provider, "response too large"));
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return new ForwardResult(499, UsageOutcome.ClientClosed, default, null, "client closed the connection");
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            return await FailAsync(context, GatewayError.BadUpstreamResponse(provider, "the connection broke while reading the answer"));
        }
        var firstToken = time.GetElapsedTime(startTimestamp);

        var status = (int)upstream.StatusCode;
        if (status >= 400)
            return await ForwardErrorAsync(context, upstream, provider, status, body, cancellationToken);

        var payload = OpenAiPayloadReader.Read(body.Span);
        var response = context.Response;
        response.StatusCode = status;
        ResponseHeaders.Copy(upstream, response);
        CallCostFeature.WriteHeader(context, payload.Usage);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body.Memory, cancellationToken);
        return new ForwardResult(status, UsageOutcome.Success, payload.Usage, firstToken);
    }

    private static async Task<ForwardResult> ForwardErrorAsync(
        HttpContext context, HttpResponseMessage upstream, string provider, int status, PooledBuffer body, CancellationToken cancellationToken)
    {
        var clientStatus = UpstreamStatus.ForClient(status);
        var payload = OpenAiPayloadReader.Read(body.Span);
        var response = context.Response;
        if (!payload.IsError)
        {
            var error = new GatewayError(clientStatus, "upstream_error", "upstream_error",
                $"Provider '{provider}' answered with HTTP {status}.");
            ResponseHeaders.Copy(upstream, response);
            await OpenAiErrorWriter.WriteAsync(context, error);
            return new ForwardResult(clientStatus, UsageOutcome.UpstreamError, default, null, error.Message);
        }
        response.StatusCode = clientStatus;
        ResponseHeaders.Copy(upstream, response);
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body.Memory, cancellationToken);
        return new ForwardResult(clientStatus, UsageOutcome.UpstreamError, default, null, $"provider answered HTTP {status}");
    }

    private static async Task<ForwardResult> FailAsync(HttpContext context, GatewayError error)
    {
        await OpenAiErrorWriter.WriteAsync(context, error);
        return new ForwardResult(error.Status, UsageOutcome.UpstreamError, default, null, error.Message);
    }
}
