using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Holdfast.Core.Configuration;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;
using Holdfast.Storage;

namespace Holdfast.IntegrationTests.Cli;

/// <summary>The real <c>holdfast</c> executable, run as a user would run it.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "holdfast-cli", Guid.NewGuid().ToString("N"));

    public CliTests()
    {
        Directory.CreateDirectory(_directory);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteConfig(string yaml)
    {
        var path = Path.Combine(_directory, "holdfast.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public async Task Version_PrintsIt()
    {
        var (exit, stdout, _) = await HoldfastProcess.RunAsync(_directory, null, "version");
        Assert.Equal(0, exit);
        Assert.StartsWith("holdfast 0.", stdout);
    }

    [Fact]
    public async Task ConfigCheck_InvalidFile_Exits1NamingFileLineAndField()
    {
        var path = WriteConfig("providers:\n  - name: p\n    base_url: http://x/v1\n    api_key: ${MISSING_KEY}\n    colour: blue\n");

        var (exit, _, stderr) = await HoldfastProcess.RunAsync(_directory, null, "config", "check", "--config", path);

        Assert.Equal(1, exit);
        Assert.Contains($"{path}:4:14: providers[0].api_key: environment variable MISSING_KEY is not set", stderr);
        Assert.Contains($"{path}:5:5: providers[0].colour: unknown field 'colour'", stderr);
    }

    [Fact]
    public async Task ConfigCheck_InvalidYaml_Exits1()
    {
        var path = WriteConfig("routes: [\n");
        var (exit, _, stderr) = await HoldfastProcess.RunAsync(_directory, null, "config", "check", "--config", path);
        Assert.Equal(1, exit);
        Assert.Contains("invalid YAML", stderr);
    }

    [Fact]
    public async Task ConfigCheck_ValidFileFromEnvironment_Exits0()
    {
        var path = WriteConfig("providers:\n  - name: p\n    base_url: http://x/v1\n    api_key: ${KEY}\n");
        var env = new Dictionary<string, string> { ["HOLDFAST_CONFIG"] = path, ["KEY"] = "k" };
        var (exit, stdout, stderr) = await HoldfastProcess.RunAsync(_directory, env, "config", "check");
        Assert.True(exit == 0, stderr);
        Assert.Contains("OK (1 providers", stdout);
    }

    public static TheoryData<string> ExampleConfigs()
    {
        var directory = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(directory, "Holdfast.slnx")))
            directory = Path.GetDirectoryName(directory) ?? throw new InvalidOperationException("The repository root was not found.");
        var examples = Path.Combine(directory, "examples");
        var files = new TheoryData<string>(Path.Combine(examples, "holdfast.yaml"));
        foreach (var file in Directory.GetFiles(Path.Combine(examples, "providers"), "*.yaml").Order(StringComparer.Ordinal))
            files.Add(file);
        return files;
    }

    [Theory]
    [MemberData(nameof(ExampleConfigs))]
    public async Task ConfigCheck_EveryExampleConfig_Passes(string path)
    {
        var env = new Dictionary<string, string>
        {
            ["HOLDFAST_ADMIN_TOKEN"] = "admin", ["OPENAI_API_KEY"] = "sk-x", ["AZURE_OPENAI_API_KEY"] = "az-x", ["OPENROUTER_API_KEY"] = "or-x",
            ["TOGETHER_API_KEY"] = "tg-x", ["GROQ_API_KEY"] = "gq-x",
        };

        var (exit, stdout, stderr) = await HoldfastProcess.RunAsync(_directory, env, "config", "check", "--config", path);

        Assert.True(exit == 0, $"{path}: {stderr}");
        Assert.Contains("OK (", stdout);
    }

    [Fact]
    public async Task ConfigSchema_PrintsAJsonSchema()
    {
        var (exit, stdout, _) = await HoldfastProcess.RunAsync(_directory, null, "config", "schema");
        Assert.Equal(0, exit);
        var schema = JsonNode.Parse(stdout)!;
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema["$schema"]!.GetValue<string>());
        Assert.NotNull(schema["properties"]!["routes"]);
    }

    [Fact]
    public async Task Keys_Create_TakesTokenAndConcurrencyLimits()
    {
        var data = Path.Combine(_directory, "data");
        var (exit, stdout, stderr) = await HoldfastProcess.RunAsync(_directory, null,
            "keys", "create", "--name", "bob", "--tpm", "40000", "--concurrency", "4", "--data", data, "--json");
        Assert.True(exit == 0, stderr);
        var created = JsonNode.Parse(stdout)!;
        Assert.Equal(40000, created["tpm"]!.GetValue<int>());
        Assert.Equal(4, created["concurrency"]!.GetValue<int>());

        (exit, stdout, _) = await HoldfastProcess.RunAsync(_directory, null, "keys", "list", "--data", data);
        Assert.Equal(0, exit);
        Assert.Contains("40000", stdout);

        (exit, _, stderr) = await HoldfastProcess.RunAsync(_directory, null, "keys", "create", "--name", "x", "--concurrency", "0", "--data", data);
        Assert.Equal(1, exit);
        Assert.Contains("concurrency must be a positive number", stderr);
    }

    [Fact]
    public async Task Keys_CreateListRevoke_OnTheStoreInTheDataDirectory()
    {
        var data = Path.Combine(_directory, "data");
        var (exit, stdout, _) = await HoldfastProcess.RunAsync(_directory, null, "keys", "create", "--name", "alice", "--routes", "a,b", "--rpm", "30", "--data", data, "--json");
        Assert.Equal(0, exit);
        var created = JsonNode.Parse(stdout)!;
        var id = created["id"]!.GetValue<string>();
        var secret = created["key"]!.GetValue<string>();
        Assert.StartsWith("hf_", secret);

        (exit, stdout, _) = await HoldfastProcess.RunAsync(_directory, null, "keys", "list", "--data", data, "--json");
        Assert.Equal(0, exit);
        var listed = JsonNode.Parse(stdout)!["data"]![0]!;
        Assert.Equal("alice", listed["name"]!.GetValue<string>());
        Assert.Equal(30, listed["rpm"]!.GetValue<int>());
        Assert.Null(listed["tpm"]);
        Assert.DoesNotContain(secret, stdout);

        (exit, _, _) = await HoldfastProcess.RunAsync(_directory, null, "keys", "revoke", id, "--data", data);
        Assert.Equal(0, exit);
        (exit, _, var stderr) = await HoldfastProcess.RunAsync(_directory, null, "keys", "revoke", id, "--data", data);
        Assert.Equal(1, exit);
        Assert.Contains("no active key", stderr);

        // The secret is nowhere in the store: only its hash.
        var database = await File.ReadAllBytesAsync(Path.Combine(data, StoreFactory.DefaultSqliteFile));
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(database));
    }

    [Fact]
    public async Task Serve_InvalidConfig_Exits1()
    {
        var path = WriteConfig("nonsense: true\n");
        var (exit, _, stderr) = await HoldfastProcess.RunAsync(_directory, null, "serve", "--config", path);
        Assert.Equal(1, exit);
        Assert.Contains("unknown field 'nonsense'", stderr);
    }

    [Fact]
    public async Task Serve_OnDefaults_AnswersHealthAndHomePage()
    {
        var port = HoldfastProcess.FreePort();
        await using var server = HoldfastProcess.Start(_directory, new Dictionary<string, string> { ["HOLDFAST_URLS"] = $"http://127.0.0.1:{port}" }, "serve");
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        await server.WaitUntilHealthyAsync(baseUrl);

        using var http = new HttpClient { BaseAddress = baseUrl };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("readyz")).StatusCode);
        Assert.Contains("Holdfast", await http.GetStringAsync("/"));
        Assert.True(File.Exists(Path.Combine(_directory, "data", StoreFactory.DefaultSqliteFile)));
        using var admin = await http.GetAsync("admin/keys");
        await ErrorAssert.IsOpenAiError(admin, HttpStatusCode.Unauthorized, "admin_disabled");
    }

    [Fact]
    public async Task Serve_KeyCreatedByCliWhileRunning_WorksAndSigtermLetsStreamsFinish()
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync();
        upstream.Behavior = _ => FakeBehavior.Normal(chunks: 10, chunkDelay: TimeSpan.FromMilliseconds(150));
        var path = WriteConfig(
            $"providers:\n  - name: up\n    base_url: {upstream.BaseUrl}\nroutes:\n  - name: chat\n    targets:\n      - provider: up\n        model: m\n" +
            "server:\n  shutdown_timeout: 20s\n");
        var port = HoldfastProcess.FreePort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        await using var server = HoldfastProcess.Start(_directory, null, "serve", "--config", path, "--urls", baseUrl.ToString().TrimEnd('/'));
        await server.WaitUntilHealthyAsync(baseUrl);

        var (_, stdout, _) = await HoldfastProcess.RunAsync(_directory, null, "keys", "create", "--name", "late", "--json");
        var secret = JsonNode.Parse(stdout)!["key"]!.GetValue<string>();

        using var http = new HttpClient { BaseAddress = baseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        HttpResponseMessage? response = null;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (response?.StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            response?.Dispose();
            response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            {
                Content = new StringContent("""{"model":"chat","stream":true,"messages":[]}""", Encoding.UTF8, "application/json"),
            }, HttpCompletionOption.ResponseHeadersRead);
        }
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response!.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("data: ", await reader.ReadLineAsync());

            // Stop the server mid-stream: the stream must still finish whole.
            server.Terminate();
            string rest;
            try
            {
                rest = await reader.ReadToEndAsync();
            }
            catch (IOException e)
            {
                await server.WaitForExitAsync(TimeSpan.FromSeconds(30));
                throw new InvalidOperationException("stream cut; server said:\n" + server.Output, e);
            }
            Assert.Contains(OpenAiWire.StreamedText(10).Split(' ')[9], rest);
            Assert.EndsWith("data: [DONE]\n\n", rest);
        }
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        await using var store = StoreFactory.Open(new StoreConfig(), Path.Combine(_directory, "data"), TimeProvider.System);
        var records = await store.Usage.ListAsync(new UsageListQuery(), CancellationToken.None);
        Assert.Contains(records, r => r.Stream && r.Status == 200 && r.Outcome == Core.Usage.UsageOutcome.Success && r.Tokens.Completion == 10);
    }
}
