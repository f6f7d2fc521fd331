using System.Text.Json.Serialization;
using Holdfast.Core.Keys;
using Holdfast.Storage;

namespace Holdfast.Server.Admin;

public sealed record KeyView(
    string Id, string Name, string Prefix, IReadOnlyList<string> Routes, int? Rpm,
    DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, bool Revoked, int? Tpm, int? Concurrency)
{
    public static KeyView From(VirtualKey key) =>
        new(key.Id, key.Name, key.Prefix, key.Routes, key.Rpm, key.CreatedAt, key.RevokedAt, key.IsRevoked, key.Tpm, key.Concurrency);
}

public sealed record CreatedKeyView(
    string Id, string Key, string Name, string Prefix, IReadOnlyList<string> Routes, int? Rpm, DateTimeOffset CreatedAt, int? Tpm, int? Concurrency)
{
    public static CreatedKeyView From(Keys.IssuedKey issued) =>
        new(issued.Key.Id, issued.Secret, issued.Key.Name, issued.Key.Prefix, issued.Key.Routes, issued.Key.Rpm, issued.Key.CreatedAt,
            issued.Key.Tpm, issued.Key.Concurrency);
}

public sealed record KeyList(IReadOnlyList<KeyView> Data);

public sealed record RevokedKeyView(string Id, bool Revoked);

public sealed record UsageRow(
    string Group, long Requests, long Errors, long PromptTokens, long CompletionTokens, long TotalTokens,
    decimal CostUsd, long RequestsWithUnknownCost)
{
    public static UsageRow From(UsageTotals totals) => new(
        totals.Group, totals.Requests, totals.Errors, totals.PromptTokens, totals.CompletionTokens,
        totals.PromptTokens + totals.CompletionTokens, totals.CostUsd, totals.RequestsWithUnknownCost);
}

public sealed record UsageReport(string GroupBy, DateTimeOffset? From, DateTimeOffset? To, IReadOnlyList<UsageRow> Data);

public sealed record ReloadResult(bool Reloaded, IReadOnlyList<string> Errors);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Keys.NewKeyRequest))]
[JsonSerializable(typeof(CreatedKeyView))]
[JsonSerializable(typeof(KeyList))]
[JsonSerializable(typeof(RevokedKeyView))]
[JsonSerializable(typeof(UsageReport))]
[JsonSerializable(typeof(ReloadResult))]
[JsonSerializable(typeof(ProviderHealthList))]
public sealed partial class AdminJson : JsonSerializerContext;
