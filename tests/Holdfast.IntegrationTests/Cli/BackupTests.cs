using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;

namespace Holdfast.IntegrationTests.Cli;

public sealed class BackupTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "holdfast-backup", Guid.NewGuid().ToString("N"));

    public BackupTests()
    {
        Directory.CreateDirectory(_directory);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Backup_OfARunningServer_RestoresIntoANewDataDirectory()
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync();
        var config = Path.Combine(_directory, "holdfast.yaml");
        await File.WriteAllTextAsync(config,
            $"providers:\n  - name: up\n    base_url: {upstream.BaseUrl}\nroutes:\n  - name: chat\n    targets:\n      - provider: up\n        model: m\n");
        var source = Path.Combine(_directory, "source");
        var (_, created, _) = await HoldfastProcess.RunAsync(_directory, null, "keys", "create", "--name", "kept", "--config", config, "--data", source, "--json");
        var secret = JsonNode.Parse(created)!["key"]!.GetValue<string>();

        var port = HoldfastProcess.FreePort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        await using (var server = HoldfastProcess.Start(_directory, null, "serve", "--config", config, "--data", source, "--urls", $"http://127.0.0.1:{port}"))
        {
            await server.WaitUntilHealthyAsync(baseUrl);
            using var http = new HttpClient { BaseAddress = baseUrl };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            var requests = Enumerable.Range(0, 20).Select(_ => http.PostAsync("v1/chat/completions",
                new StringContent("""{"model":"chat","messages":[]}""", Encoding.UTF8, "application/json"))).ToList();

            var backup = Path.Combine(_directory, "backup.db");
            var (exit, _, stderr) = await HoldfastProcess.RunAsync(_directory, null, "backup", backup, "--config", config, "--data", source);
            Assert.True(exit == 0, stderr);
            foreach (var response in await Task.WhenAll(requests))
                Assert.True(response.IsSuccessStatusCode);
            (exit, _, _) = await HoldfastProcess.RunAsync(_directory, null, "backup", backup, "--config", config, "--data", source);
            Assert.Equal(1, exit);
        }

        var target = Path.Combine(_directory, "target");
        var restored = await HoldfastProcess.RunAsync(_directory, null, "restore", Path.Combine(_directory, "backup.db"), "--data", target);
        Assert.True(restored.ExitCode == 0, restored.Stderr);
        var (_, list, _) = await HoldfastProcess.RunAsync(_directory, null, "keys", "list", "--data", target, "--json");
        Assert.Equal("kept", JsonNode.Parse(list)!["data"]![0]!["name"]!.GetValue<string>());

        var again = await HoldfastProcess.RunAsync(_directory, null, "restore", Path.Combine(_directory, "backup.db"), "--data", target);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--force", again.Stderr);

        var notAStore = Path.Combine(_directory, "random.db");
        await File.WriteAllTextAsync(notAStore, "just text");
        var wrong = await HoldfastProcess.RunAsync(_directory, null, "restore", notAStore, "--data", Path.Combine(_directory, "other"));
        Assert.Equal(1, wrong.ExitCode);
    }
}
