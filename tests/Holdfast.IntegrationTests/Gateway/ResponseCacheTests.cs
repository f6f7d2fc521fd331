using System.Net;
using System.Text;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;
using Holdfast.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Holdfast.IntegrationTests.Gateway;

/// <summary>The exact-match cache: hits and misses, normalisation, TTL, size bound, streaming replay, restarts.</summary>
public sealed class ResponseCacheTests : IAsyncLifetime
{
    private const string Chat = """{"model":"cached","messages":[{"role":"user","content":"hi"}],"temperature":0}""";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "holdfast-tests", Guid.NewGuid().ToString("N"));
    private FakeOpenAiUpstream _upstream = null!;
    private HoldfastTestServer _server = null!;
    private HttpClient _client = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeOpenAiUpstream.StartAsync();
        await StartServerAsync();
        (_, _key) = await _server.CreateKeyAsync();
        _client = _server.ClientWithKey(_key);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task StartServerAsync()
    {
        var yaml = $"""
            providers:
              - name: up
                base_url: {_upstream.BaseUrl}
            routes:
              - name: cached
                cache: {"{"} ttl: 10m, max_entries: 3 {"}"}
                targets:
                  - provider: up
                    model: up-model
              - name: plain
                targets:
                  - provider: up
                    model: up-model
            prices:
              up-model: {"{"} input: 1, output: 2 {"}"}
            """;
        _server = await HoldfastTestServer.StartAsync(yaml, time: _time, directory: _directory);
    }

    private Task<HttpResponseMessage> PostAsync(string body) =>
        _client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

    private async Task<(long Count, long Newest)> CacheStateAsync()
    {
        var database = ((SqlStore)_server.Store).Database;
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COALESCE(MAX(created_at), 0) FROM response_cache";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<long> CacheRowsAsync() => (await CacheStateAsync()).Count;

    /// <summary>Waits until the cache holds <paramref name="count"/> entries, the newest stored at the current (fake) time.</summary>
    private async Task WaitForCacheRowsAsync(long count)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await CacheStateAsync() != (count, now))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the cache never held {count} entries, the newest from now");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task SameRequest_IsAMissThenAHit_WithTheSameBody_AndMeteredAtNoCost()
    {
        using var miss = await PostAsync(Chat);
        var missBody = await miss.Content.ReadAsStringAsync();
        Assert.Equal("miss", miss.Headers.GetValues("x-holdfast-cache").Single());
        await WaitForCacheRowsAsync(1);

        // Same request in another form: members reordered, whitespace, a user id and stream:false.
        using var hit = await PostAsync("""{ "temperature": 0, "user": "u-1", "stream": false, "messages": [ {"content":"hi","role":"user"} ], "model": "cached" }""");

        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        Assert.Equal("hit", hit.Headers.GetValues("x-holdfast-cache").Single());
        Assert.Equal(missBody, await hit.Content.ReadAsStringAsync());
        Assert.Equal("application/json", hit.Content.Headers.ContentType?.MediaType);
        Assert.Single(_upstream.Received);
        var records = await _server.WaitForUsageAsync(2);
        var cached = records.Single(r => r.CacheHit);
        Assert.Equal(0m, cached.CostUsd);
        Assert.Equal(OpenAiWire.PromptTokens, cached.Tokens.Prompt);
        Assert.Equal("up-model", cached.Model);
        Assert.NotEqual(0m, records.Single(r => !r.CacheHit).CostUsd);
    }

    [Fact]
    public async Task DifferentOutputParameters_AreDifferentEntries_AndUncachedRoutesAreNeverLookedUp()
    {
        (await PostAsync(Chat)).Dispose();
        await WaitForCacheRowsAsync(1);

        using var warmer = await PostAsync(Chat.Replace("\"temperature\":0", "\"temperature\":1"));
        Assert.Equal("miss", warmer.Headers.GetValues("x-holdfast-cache").Single());
        using var plain = await PostAsync(Chat.Replace("\"cached\"", "\"plain\""));
        Assert.False(plain.Headers.Contains("x-holdfast-cache"));
        Assert.Equal(3, _upstream.Received.Count);
    }

    [Fact]
    public async Task Entries_ExpireAfterTheirTtl()
    {
        (await PostAsync(Chat)).Dispose();
        await WaitForCacheRowsAsync(1);
        _time.Advance(TimeSpan.FromMinutes(9));
        using (var hit = await PostAsync(Chat))
            Assert.Equal("hit", hit.Headers.GetValues("x-holdfast-cache").Single());

        _time.Advance(TimeSpan.FromMinutes(1));

        using var expired = await PostAsync(Chat);
        Assert.Equal("miss", expired.Headers.GetValues("x-holdfast-cache").Single());
        Assert.Equal(2, _upstream.Received.Count);
    }

    [Fact]
    public async Task TheCache_KeepsAtMostMaxEntries_DroppingTheOldest()
    {
        for (var i = 0; i < 5; i++)
        {
            (await PostAsync(Chat.Replace("\"hi\"", $"\"hi {i}\""))).Dispose();
            await WaitForCacheRowsAsync(Math.Min(i + 1, 3));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        using (var oldest = await PostAsync(Chat.Replace("\"hi\"", "\"hi 0\"")))
            Assert.Equal("miss", oldest.Headers.GetValues("x-holdfast-cache").Single());
        using var newest = await PostAsync(Chat.Replace("\"hi\"", "\"hi 4\""));
        Assert.Equal("hit", newest.Headers.GetValues("x-holdfast-cache").Single());
    }

    [Fact]
    public async Task Stream_IsReplayedFromTheCache_ByteForByte()
    {
        const string stream = """{"model":"cached","stream":true,"messages":[{"role":"user","content":"tell me"}]}""";
        using var first = await PostAsync(stream);
        var original = await first.Content.ReadAsByteArrayAsync();
        Assert.Equal("miss", first.Headers.GetValues("x-holdfast-cache").Single());
        await WaitForCacheRowsAsync(1);

        using var replay = await PostAsync(stream);
        var replayed = await replay.Content.ReadAsByteArrayAsync();

        Assert.Equal("hit", replay.Headers.GetValues("x-holdfast-cache").Single());
        Assert.Equal("text/event-stream", replay.Content.Headers.ContentType?.MediaType);
        Assert.Equal(original, replayed);
        Assert.EndsWith("data: [DONE]\n\n", Encoding.UTF8.GetString(replayed));
        Assert.Single(_upstream.Received);

        // The non-streamed form of the same request is another entry.
        using var json = await PostAsync(stream.Replace("\"stream\":true", "\"stream\":false"));
        Assert.Equal("miss", json.Headers.GetValues("x-holdfast-cache").Single());
    }

    [Fact]
    public async Task Stream_FromTheCache_ReadsLikeALiveOneInTheOpenAiSdk()
    {
        var chat = _server.OpenAiClient(_key).GetChatClient("cached");
        async Task<string> StreamAsync()
        {
            var text = new StringBuilder();
            await foreach (var update in chat.CompleteChatStreamingAsync([new OpenAI.Chat.UserChatMessage("stream it")]))
            {
                foreach (var part in update.ContentUpdate)
                    text.Append(part.Text);
            }
            return text.ToString();
        }

        var live = await StreamAsync();
        await WaitForCacheRowsAsync(1);
        var cached = await StreamAsync();

        Assert.Equal(OpenAiWire.StreamedText(5), live);
        Assert.Equal(live, cached);
        Assert.Single(_upstream.Received);
    }

    [Fact]
    public async Task FailedAnswers_AreNotCached()
    {
        _upstream.Behavior = _ => FakeBehavior.Error(400, OpenAiWire.ErrorBody("bad", "invalid_request_error"));
        using (var failed = await PostAsync(Chat))
            Assert.Equal(HttpStatusCode.BadRequest, failed.StatusCode);
        _upstream.Behavior = _ => FakeBehavior.Normal();

        // Offers are written in order: once a later answer is stored, an earlier one would be too.
        (await PostAsync(Chat.Replace("\"hi\"", "\"other\""))).Dispose();
        await WaitForCacheRowsAsync(1);
        Assert.Equal(1, await CacheRowsAsync());
        using var next = await PostAsync(Chat);
        Assert.Equal("miss", next.Headers.GetValues("x-holdfast-cache").Single());
        Assert.Equal(3, _upstream.Received.Count);
    }

    [Fact]
    public async Task TheCache_SurvivesARestart()
    {
        (await PostAsync(Chat)).Dispose();
        await WaitForCacheRowsAsync(1);
        _client.Dispose();
        await _server.DisposeAsync();

        await StartServerAsync();
        _client = _server.ClientWithKey(_key);

        using var hit = await PostAsync(Chat);
        Assert.Equal("hit", hit.Headers.GetValues("x-holdfast-cache").Single());
        Assert.Single(_upstream.Received);
    }
}
