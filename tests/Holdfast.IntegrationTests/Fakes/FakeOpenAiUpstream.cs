using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Holdfast.IntegrationTests.Fakes;

/// <summary>
/// A stand-in for a remote OpenAI-compatible provider on 127.0.0.1, speaking the real wire format
/// (JSON bodies, SSE chunks with the usage chunk, error bodies), with faults on demand.
/// </summary>
public sealed class FakeOpenAiUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeOpenAiUpstream(WebApplication app)
    {
        _app = app;
    }

    /// <summary>Decides the answer to each request; by default a normal completion.</summary>
    public Func<FakeRequest, FakeBehavior> Behavior { get; set; } = _ => FakeBehavior.Normal();

    public ConcurrentQueue<FakeRequest> Received { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    public int Port => BaseUrl.Port;

    public static async Task<FakeOpenAiUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeOpenAiUpstream(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return fake;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var request = new FakeRequest(context.Request.Path.Value ?? "", body,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase))
        {
            Query = context.Request.QueryString.Value ?? "",
            ReceivedAt = DateTime.UtcNow,
        };
        Received.Enqueue(request);
        await Behavior(request).ExecuteAsync(context, request);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record FakeRequest(string Path, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public string Query { get; init; } = "";

    public DateTime ReceivedAt { get; init; }

    public JsonNode? Json => string.IsNullOrEmpty(Body) ? null : JsonNode.Parse(Body);

    public string? Model => Json?["model"]?.GetValue<string>();

    public bool Stream => Json?["stream"]?.GetValue<bool>() == true;
}

/// <summary>One way of answering; the static methods name the normal answers and the faults.</summary>
public abstract class FakeBehavior
{
    public const string Completion = "Hello from the fake upstream.";

    public abstract Task ExecuteAsync(HttpContext context, FakeRequest request);

    /// <summary>A completion, an embedding or an SSE stream, depending on the request.</summary>
    public static FakeBehavior Normal(int chunks = 5, TimeSpan chunkDelay = default, TimeSpan firstByteDelay = default) =>
        new NormalBehavior(chunks, chunkDelay, firstByteDelay);

    public static FakeBehavior Error(int status, string? body = null, IDictionary<string, string>? headers = null) =>
        new ErrorBehavior(status, body ?? OpenAiWire.ErrorBody("fake upstream error", "server_error"), headers);

    /// <summary>Accepts the request and never answers.</summary>
    public static FakeBehavior Hang() => new HangBehavior();

    /// <summary>Starts a stream and breaks the connection after <paramref name="chunks"/> chunks.</summary>
    public static FakeBehavior CutStream(int chunks) => new CutStreamBehavior(chunks);

    /// <summary>
    /// Streams <paramref name="before"/> chunks, then waits for <paramref name="gate"/> before the rest:
    /// a gateway that held chunks back would never let the test open the gate.
    /// </summary>
    public static FakeBehavior Gated(int before, Task gate, int chunks = 5) => new GatedBehavior(before, gate, chunks);

    /// <summary>Waits for <paramref name="gate"/> before answering as <paramref name="then"/> does.</summary>
    public static FakeBehavior After(Task gate, FakeBehavior then) => new AfterBehavior(gate, then);

    /// <summary>Writes exactly these raw bytes as the body, with the given content type.</summary>
    public static FakeBehavior Raw(string contentType, string body, int status = 200) => new RawBehavior(contentType, body, status);

    private sealed class NormalBehavior(int chunks, TimeSpan chunkDelay, TimeSpan firstByteDelay) : FakeBehavior
    {
        public override async Task ExecuteAsync(HttpContext context, FakeRequest request)
        {
            if (firstByteDelay > TimeSpan.Zero)
                await Task.Delay(firstByteDelay, context.RequestAborted);
            var model = request.Model ?? "unknown";
            if (request.Path.EndsWith("/embeddings", StringComparison.Ordinal))
            {
                await WriteJsonAsync(context, 200, OpenAiWire.Embedding(model));
                return;
            }
            if (!request.Stream)
            {
                await WriteJsonAsync(context, 200, OpenAiWire.Completion(model, Completion));
                return;
            }
            var includeUsage = request.Json?["stream_options"]?["include_usage"]?.GetValue<bool>() == true;
            context.Response.ContentType = "text/event-stream";
            foreach (var chunk in OpenAiWire.StreamEvents(model, chunks, includeUsage))
            {
                await context.Response.WriteAsync(chunk, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                if (chunkDelay > TimeSpan.Zero)
                    await Task.Delay(chunkDelay, context.RequestAborted);
            }
        }
    }

    private sealed class ErrorBehavior(int status, string body, IDictionary<string, string>? headers) : FakeBehavior
    {
        public override Task ExecuteAsync(HttpContext context, FakeRequest request)
        {
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
                context.Response.Headers[name] = value;
            return WriteJsonAsync(context, status, body);
        }
    }

    private sealed class HangBehavior : FakeBehavior
    {
        public override async Task ExecuteAsync(HttpContext context, FakeRequest request)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The gateway gave up, as it should.
            }
        }
    }

    private sealed class CutStreamBehavior(int chunks) : FakeBehavior
    {
        public override async Task ExecuteAsync(HttpContext context, FakeRequest request)
        {
            context.Response.ContentType = "text/event-stream";
            foreach (var chunk in OpenAiWire.StreamEvents(request.Model ?? "m", chunks + 10, includeUsage: true).Take(chunks))
            {
                await context.Response.WriteAsync(chunk);
                await context.Response.Body.FlushAsync();
            }
            // Let the chunks leave the socket before the reset, or the kernel may discard them.
            await Task.Delay(100);
            context.Abort();
        }
    }

    private sealed class GatedBehavior(int before, Task gate, int chunks) : FakeBehavior
    {
        public override async Task ExecuteAsync(HttpContext context, FakeRequest request)
        {
            context.Response.ContentType = "text/event-stream";
            var sent = 0;
            foreach (var chunk in OpenAiWire.StreamEvents(request.Model ?? "m", chunks, includeUsage: true))
            {
                if (sent++ == before)
                    await gate.WaitAsync(TimeSpan.FromSeconds(30));
                await context.Response.WriteAsync(chunk);
                await context.Response.Body.FlushAsync();
            }
        }
    }

    private sealed class AfterBehavior(Task gate, FakeBehavior then) : FakeBehavior
    {
        public override async Task ExecuteAsync(HttpContext context, FakeRequest request)
        {
            await gate.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
            await then.ExecuteAsync(context, request);
        }
    }

    private sealed class RawBehavior(string contentType, string body, int status) : FakeBehavior
    {
        public override async Task ExecuteAsync(HttpContext context, FakeRequest request)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body);
        }
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["x-request-id"] = "req_upstream_" + Guid.NewGuid().ToString("N")[..8];
        await context.Response.WriteAsync(body);
    }
}
