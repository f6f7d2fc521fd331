// A near-zero-cost OpenAI-compatible upstream for measuring gateway overhead. Every body is built
// once at start-up; a request costs only reading its body and writing fixed bytes.
//   POST …/chat/completions   JSON with usage; "stream": true → role chunk, MOCK_CHUNKS content chunks,
//                             finish chunk, usage chunk, [DONE], each written and flushed on its own
//   POST …/embeddings         a fixed 1536-dimension vector with usage
// Environment: MOCK_URLS (default http://127.0.0.1:18090), MOCK_CHUNKS (20), MOCK_CHUNK_DELAY_MS (0).
using Holdfast.Bench.MockUpstream;

// Socket continuations run inline: fewer thread hops on a core shared with the load generator.
Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

var urls = Environment.GetEnvironmentVariable("MOCK_URLS") ?? "http://127.0.0.1:18090";
var chunks = int.TryParse(Environment.GetEnvironmentVariable("MOCK_CHUNKS"), out var c) ? c : 20;
var chunkDelay = int.TryParse(Environment.GetEnvironmentVariable("MOCK_CHUNK_DELAY_MS"), out var d) ? d : 0;
var bodies = new MockBodies(chunks);

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseUrls(urls);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MinRequestBodyDataRate = null;
    kestrel.Limits.MinResponseDataRate = null;
});
var app = builder.Build();
app.Run(context => MockHandler.HandleAsync(context, bodies, chunkDelay));
Console.WriteLine($"mock upstream on {urls} ({chunks} chunks per stream, {chunkDelay} ms between chunks)");
app.Run();
