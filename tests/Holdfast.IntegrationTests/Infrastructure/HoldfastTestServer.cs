using System.ClientModel;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Holdfast.Server.Hosting;
using Holdfast.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;

namespace Holdfast.IntegrationTests.Infrastructure;

/// <summary>
/// The real Holdfast server, hosted in the test process on a loopback port, with its own data
/// directory and a configuration written to a real file.
/// </summary>
public sealed class HoldfastTestServer : IAsyncDisposable
{
    public const string AdminToken = "test-admin-token-0123456789";

    private readonly WebApplication _app;

    private readonly bool _ownsDirectory;

    private HoldfastTestServer(WebApplication app, string directory, Uri baseUrl, bool ownsDirectory)
    {
        _app = app;
        _ownsDirectory = ownsDirectory;
        Directory = directory;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = baseUrl };
        Admin = new HttpClient { BaseAddress = baseUrl };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
    }

    public string Directory { get; }

    public Uri BaseUrl { get; }

    /// <summary>An unauthenticated client.</summary>
    public HttpClient Http { get; }

    /// <summary>A client carrying the admin token.</summary>
    public HttpClient Admin { get; }

    public IServiceProvider Services => _app.Services;

    public IStore Store => _app.Services.GetRequiredService<IStore>();

    /// <summary>Starts a server with <paramref name="yaml"/> as its config file (admin token added).</summary>
    /// <param name="directory">A directory to keep (and reuse) instead of a fresh one deleted on dispose.</param>
    public static async Task<HoldfastTestServer> StartAsync(
        string yaml, IReadOnlyDictionary<string, string>? environment = null, TimeProvider? time = null, string? directory = null)
    {
        var ownsDirectory = directory is null;
        directory ??= Path.Combine(Path.GetTempPath(), "holdfast-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var configPath = Path.Combine(directory, "holdfast.yaml");
        await File.WriteAllTextAsync(configPath, $"admin_token: {AdminToken}\n{yaml}");
        var options = new ServeOptions
        {
            ConfigPath = configPath,
            Urls = "http://127.0.0.1:0",
            DataDir = Path.Combine(directory, "data"),
            Environment = environment ?? new Dictionary<string, string>(),
            Time = time ?? TimeProvider.System,
        };
        var app = await HoldfastServer.CreateAsync(options, CancellationToken.None);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HoldfastTestServer(app, directory, new Uri(address.TrimEnd('/') + "/"), ownsDirectory);
    }

    /// <summary>A config with one openai-compatible provider per upstream and one route per provider, named after it.</summary>
    public static string ConfigFor(params (string Name, Uri BaseUrl)[] providers)
    {
        var yaml = new System.Text.StringBuilder("providers:\n");
        foreach (var (name, url) in providers)
            yaml.Append($"  - name: {name}\n    type: openai-compatible\n    base_url: {url}\n    api_key: sk-upstream-{name}\n    timeout: 2s\n");
        yaml.Append("routes:\n");
        foreach (var (name, _) in providers)
            yaml.Append($"  - name: {name}-route\n    targets:\n      - provider: {name}\n        model: {name}-model\n");
        yaml.Append("prices:\n");
        foreach (var (name, _) in providers)
            yaml.Append($"  {name}-model: {{ input: 1.0, output: 2.0, cached_input: 0.5 }}\n");
        return yaml.ToString();
    }

    /// <summary>Creates a key through the admin API and returns (id, secret).</summary>
    public async Task<(string Id, string Secret)> CreateKeyAsync(
        string name = "test", string[]? routes = null, int? rpm = null, int? tpm = null, int? concurrency = null)
    {
        var response = await Admin.PostAsJsonAsync("admin/keys", new { name, routes, rpm, tpm, concurrency });
        response.EnsureSuccessStatusCode();
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (json["id"]!.GetValue<string>(), json["key"]!.GetValue<string>());
    }

    public OpenAIClient OpenAiClient(string key) =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(BaseUrl, "v1"), NetworkTimeout = TimeSpan.FromSeconds(30) });

    public HttpClient ClientWithKey(string key)
    {
        var client = new HttpClient { BaseAddress = BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Waits until the usage log holds at least <paramref name="count"/> records (they are written in the background).</summary>
    public async Task<IReadOnlyList<Core.Usage.UsageRecord>> WaitForUsageAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var records = await Store.Usage.ListAsync(new UsageListQuery(Limit: 10_000), CancellationToken.None);
            if (records.Count >= count || DateTime.UtcNow > deadline)
                return records;
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (!_ownsDirectory)
            return;
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp directory is cleaned by the OS.
        }
    }
}
