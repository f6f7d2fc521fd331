using Holdfast.Core.Configuration;

namespace Holdfast.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private static readonly Dictionary<string, string> Env = new() { ["OPENAI_API_KEY"] = "sk-test" };

    private const string Valid = """
        admin_token: secret-admin
        server:
          max_body_bytes: 1000
          shutdown_timeout: 5s
        providers:
          - name: openai
            type: openai-compatible
            base_url: https://api.openai.com/v1
            api_key: ${OPENAI_API_KEY}
            timeout: 90s
        routes:
          - name: gpt-fast
            targets:
              - provider: openai
                model: gpt-4o-mini
        prices:
          gpt-4o-mini: { input: 0.15, output: 0.60 }
        """;

    private static ConfigLoadResult Load(string yaml, Dictionary<string, string>? env = null) =>
        ConfigLoader.LoadText(yaml, "holdfast.yaml", env ?? Env);

    [Fact]
    public void Valid_File_LoadsEveryField()
    {
        var result = Load(Valid);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var config = result.Config!;
        Assert.Equal("secret-admin", config.AdminToken);
        Assert.Equal(1000, config.Server.MaxBodyBytes);
        Assert.Equal(TimeSpan.FromSeconds(5), config.Server.ShutdownTimeout);
        var provider = Assert.Single(config.Providers);
        Assert.Equal("sk-test", provider.ApiKey);
        Assert.Equal(new Uri("https://api.openai.com/v1"), provider.BaseUrl);
        Assert.Equal(TimeSpan.FromSeconds(90), provider.Timeout);
        Assert.Equal("gpt-4o-mini", Assert.Single(Assert.Single(config.Routes).Targets).Model);
        Assert.Equal(0.60m, config.Prices["gpt-4o-mini"].Output);
    }

    [Fact]
    public void Empty_File_GivesDefaults()
    {
        var config = Load("").GetOrThrow();
        Assert.Equal(StoreType.Sqlite, config.Store.Type);
        Assert.Equal(16 * 1024 * 1024, config.Server.MaxBodyBytes);
        Assert.Empty(config.Routes);
    }

    [Fact]
    public void UnknownField_NamesLineAndPathAndSuggests()
    {
        var result = Load(Valid.Replace("    timeout: 90s", "    timeout: 90s\n    base_ulr: x"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(11, error.Line);
        Assert.Equal("providers[0].base_ulr", error.Path);
        Assert.Contains("did you mean 'base_url'", error.Message);
        Assert.StartsWith("holdfast.yaml:11:5: providers[0].base_ulr:", error.ToString());
    }

    [Fact]
    public void EveryUnknownField_IsReportedAtOnce()
    {
        var result = Load("foo: 1\nserver:\n  bar: 2\n");
        Assert.Equal(["foo", "server.bar"], result.Errors.Select(e => e.Path));
    }

    [Fact]
    public void MissingEnvironmentVariable_NamesLineAndField()
    {
        var result = Load(Valid, new Dictionary<string, string>());

        var error = Assert.Single(result.Errors);
        Assert.Equal(9, error.Line);
        Assert.Equal("providers[0].api_key", error.Path);
        Assert.Contains("OPENAI_API_KEY is not set", error.Message);
    }

    [Fact]
    public void EnvironmentDefault_AndEscape_Work()
    {
        var config = Load("admin_token: ${NOPE:-fallback}$${LITERAL}\n").GetOrThrow();
        Assert.Equal("fallback${LITERAL}", config.AdminToken);
    }

    [Fact]
    public void InvalidYaml_NamesTheLine()
    {
        var result = Load("providers:\n  - name: a\n    base_url: [unclosed\n");
        var error = Assert.Single(result.Errors);
        Assert.True(error.Line >= 3);
        Assert.Contains("invalid YAML", error.Message);
    }

    [Fact]
    public void WrongType_SaysWhatWasExpected()
    {
        var result = Load(Valid.Replace("output: 0.60", "output: lots"));
        var error = Assert.Single(result.Errors);
        Assert.Equal("prices.gpt-4o-mini.output", error.Path);
        Assert.Equal("expected a number", error.Message);
        Assert.Equal(17, error.Line);
    }

    [Fact]
    public void BadDuration_IsExplained()
    {
        var result = Load(Valid.Replace("timeout: 90s", "timeout: soon"));
        Assert.Contains("duration", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void RouteToUnknownProvider_AndDuplicates_AreAllReported()
    {
        var yaml = Valid.Replace("provider: openai", "provider: nobody") + "\n  - name: gpt-fast\n    targets: []\n";
        var result = Load(yaml.Replace("prices:\n  gpt-4o-mini: { input: 0.15, output: 0.60 }\n", "") + "");
        var messages = result.Errors.Select(e => $"{e.Path}: {e.Message}").ToList();
        Assert.Contains(messages, m => m.StartsWith("routes[0].targets[0].provider: no provider named 'nobody'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("routes[1].name: route 'gpt-fast' is defined twice", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("routes[1].targets: needs at least one target", StringComparison.Ordinal));
        Assert.Equal(14, result.Errors.First(e => e.Path == "routes[0].targets[0].provider").Line);
    }

    private const string Resilient = """
        providers:
          - name: azure
            base_url: https://r.openai.azure.com/openai
            api_key: k
            auth_header: api-key
            api_version: 2024-10-21
            deployment_urls: true
            connect_timeout: 2s
            headers:
              X-Title: Holdfast
            circuit_breaker: { failures: 3, window: 1m, cooldown: 15s }
        routes:
          - name: chat
            strategy: latency
            targets:
              - provider: azure
                model: dep
                weight: 2
                max_concurrent: 8
                rpm: 600
                queue_timeout: 500ms
            retry: { attempts: 3, backoff: 100ms, max_backoff: 5s, on_status: [429, 503], on_error: [timeout] }
            timeouts: { connect: 1s, first_byte: 20s, total: 2m }
            deadline: 3m
            stream_hold: { chunks: 8, bytes: 4096, time: 1s }
            cache: { ttl: 5m, max_entries: 100, max_bytes: 1048576, max_entry_bytes: 65536 }
        """;

    [Fact]
    public void ResilienceFields_AreRead()
    {
        var config = Load(Resilient).GetOrThrow();

        var provider = Assert.Single(config.Providers);
        Assert.Equal(ProviderAuthHeaders.ApiKey, provider.AuthHeader);
        Assert.Equal("2024-10-21", provider.ApiVersion);
        Assert.True(provider.DeploymentUrls);
        Assert.Equal(TimeSpan.FromSeconds(2), provider.ConnectTimeout);
        Assert.Equal("Holdfast", provider.Headers["X-Title"]);
        Assert.Equal(new CircuitBreakerConfig { Failures = 3, Window = TimeSpan.FromMinutes(1), Cooldown = TimeSpan.FromSeconds(15) }, provider.CircuitBreaker);
        var route = Assert.Single(config.Routes);
        Assert.Equal(RouteStrategies.Latency, route.Strategy);
        var target = Assert.Single(route.Targets);
        Assert.Equal((2, 8, 600, TimeSpan.FromMilliseconds(500)), (target.Weight, target.MaxConcurrent, target.Rpm, target.QueueTimeout));
        Assert.Equal(3, route.Retry.Attempts);
        Assert.Equal([429, 503], route.Retry.OnStatus);
        Assert.Equal(["timeout"], route.Retry.OnError);
        Assert.Equal(TimeSpan.FromSeconds(20), route.Timeouts.FirstByte);
        Assert.Equal(TimeSpan.FromMinutes(3), route.Deadline);
        Assert.Equal(8, route.StreamHold.Chunks);
        Assert.Equal(TimeSpan.FromMinutes(5), route.Cache!.Ttl);
        Assert.Equal(65536, route.Cache.MaxEntryBytes);
    }

    [Fact]
    public void ResilienceDefaults_AreSensible()
    {
        var route = Assert.Single(Load(Valid).GetOrThrow().Routes);
        Assert.Equal(RouteStrategies.Priority, route.Strategy);
        Assert.Equal(2, route.Retry.Attempts);
        Assert.Null(route.Cache);
        Assert.Null(route.Deadline);
    }

    [Theory]
    [InlineData("strategy: latency", "strategy: fastest", "routes[0].strategy", "unknown strategy 'fastest'")]
    [InlineData("auth_header: api-key", "auth_header: x-key", "providers[0].auth_header", "must be one of")]
    [InlineData("attempts: 3", "attempts: 0", "routes[0].retry.attempts", "must be at least 1")]
    [InlineData("on_status: [429, 503]", "on_status: [200]", "routes[0].retry.on_status", "not an HTTP error status")]
    [InlineData("on_error: [timeout]", "on_error: [gremlins]", "routes[0].retry.on_error", "unknown error 'gremlins'")]
    [InlineData("max_backoff: 5s", "max_backoff: 10ms", "routes[0].retry.max_backoff", "must not be less than backoff")]
    [InlineData("max_concurrent: 8", "max_concurrent: 0", "routes[0].targets[0].max_concurrent", "greater than 0")]
    [InlineData("X-Title: Holdfast", "Authorization: Bearer x", "providers[0].headers.Authorization", "not a header name that may be set here")]
    [InlineData("ttl: 5m", "ttl: 0s", "routes[0].cache.ttl", "greater than 0")]
    [InlineData("first_byte: 20s", "first_byte: 0s", "routes[0].timeouts.first_byte", "greater than 0")]
    [InlineData("weight: 2", "weight: 0", "routes[0].targets", "weight above 0")]
    public void BadResilienceFields_NameTheField(string good, string bad, string path, string message)
    {
        var yaml = Resilient.Replace(good, bad);
        if (good == "weight: 2")
            yaml = yaml.Replace("strategy: latency", "strategy: weighted");
        var result = Load(yaml);

        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void PostgresStore_NeedsAConnection()
    {
        var result = Load("store:\n  type: postgres\n");
        Assert.Equal("store.connection", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void EnvironmentOverride_SetsNestedFieldAndIsNamedInErrors()
    {
        var env = new Dictionary<string, string>(Env) { ["HOLDFAST_SERVER__MAX_BODY_BYTES"] = "42", ["HOLDFAST_ADMIN_TOKEN"] = "from-env", ["HOLDFAST_UNRELATED"] = "x" };
        var config = Load(Valid, env).GetOrThrow();
        Assert.Equal(42, config.Server.MaxBodyBytes);
        Assert.Equal("from-env", config.AdminToken);

        env["HOLDFAST_SERVER__MAX_BODY_BYTES"] = "many";
        var error = Assert.Single(Load(Valid, env).Errors);
        Assert.Equal("environment variable HOLDFAST_SERVER__MAX_BODY_BYTES", error.File);
    }

    [Fact]
    public void Schema_DescribesFieldsAndForbidsUnknownOnes()
    {
        var schema = ConfigSchema.Generate();
        Assert.False(schema["additionalProperties"]!.GetValue<bool>());
        var provider = schema["properties"]!["providers"]!["items"]!;
        Assert.False(provider["additionalProperties"]!.GetValue<bool>());
        Assert.NotNull(provider["properties"]!["base_url"]!["description"]);
    }
}
