using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Holdfast.Gateway.Errors;

/// <summary>Writes <c>{"error":{"message","type","param","code"}}</c> with the error's status and retry headers.</summary>
public static class OpenAiErrorWriter
{
    // Error text is plain prose with quotes and apostrophes; keep it readable, as OpenAI does.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteAsync(HttpContext context, GatewayError error)
    {
        var response = context.Response;
        if (response.HasStarted)
            return Task.CompletedTask;
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.RetryAfterSeconds is { } seconds)
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (error.ShouldRetry is { } retry)
            response.Headers["x-should-retry"] = retry ? "true" : "false";
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, error);
        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).AsTask();
    }

    /// <summary>The error object alone, as used both as a body and as an in-band SSE event.</summary>
    public static void Write(IBufferWriter<byte> output, GatewayError error)
    {
        using var json = new Utf8JsonWriter(output, WriterOptions);
        json.WriteStartObject();
        json.WriteStartObject("error");
        json.WriteString("message", error.Message);
        json.WriteString("type", error.Type);
        if (error.Param is null)
            json.WriteNull("param");
        else
            json.WriteString("param", error.Param);
        if (error.Code is null)
            json.WriteNull("code");
        else
            json.WriteString("code", error.Code);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
