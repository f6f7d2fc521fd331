using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace Holdfast.Bench.MockUpstream;

internal static class MockHandler
{
    public static async Task HandleAsync(HttpContext context, MockBodies bodies, int chunkDelayMs)
    {
        var path = context.Request.Path.Value ?? "";
        var response = context.Response;
        if (path.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            var (stream, includeUsage) = await ReadStreamFlagsAsync(context.Request.BodyReader);
            if (!stream)
            {
                await WriteAsync(response, 200, "application/json", bodies.Chat);
                return;
            }
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            foreach (var chunk in bodies.StreamEvents)
            {
                await response.BodyWriter.WriteAsync(chunk);
                if (chunkDelayMs > 0)
                    await Task.Delay(chunkDelayMs);
            }
            if (includeUsage)
                await response.BodyWriter.WriteAsync(bodies.UsageEvent);
            await response.BodyWriter.WriteAsync(bodies.Done);
            return;
        }
        if (path.EndsWith("/embeddings", StringComparison.Ordinal))
        {
            await ReadStreamFlagsAsync(context.Request.BodyReader);
            await WriteAsync(response, 200, "application/json", bodies.Embedding);
            return;
        }
        await WriteAsync(response, 404, "application/json", bodies.NotFound);
    }

    private static async Task WriteAsync(HttpResponse response, int status, string contentType, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.BodyWriter.WriteAsync(body);
    }

    /// <summary>Reads the whole body; returns its top-level "stream" and stream_options.include_usage.</summary>
    private static async Task<(bool Stream, bool IncludeUsage)> ReadStreamFlagsAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            if (!result.IsCompleted)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                continue;
            }
            var flags = Parse(result.Buffer);
            reader.AdvanceTo(result.Buffer.End);
            return flags;
        }
    }

    private static (bool Stream, bool IncludeUsage) Parse(ReadOnlySequence<byte> body)
    {
        bool stream = false, includeUsage = false;
        try
        {
            var json = new Utf8JsonReader(body);
            json.Read();
            while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
            {
                if (json.ValueTextEquals("stream"u8))
                {
                    json.Read();
                    stream = json.TokenType == JsonTokenType.True;
                }
                else if (json.ValueTextEquals("stream_options"u8))
                {
                    json.Read();
                    using var options = JsonDocument.ParseValue(ref json);
                    includeUsage = options.RootElement.ValueKind == JsonValueKind.Object &&
                        options.RootElement.TryGetProperty("include_usage", out var value) && value.ValueKind == JsonValueKind.True;
                }
                else
                {
                    json.Read();
                    json.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // A malformed body gets the plain answer.
        }
        return (stream, includeUsage);
    }
}
