using System.Text.Json.Serialization;
using Holdfast.Core.Keys;
using Holdfast.Gateway.Budgets;

namespace Holdfast.Server.Admin;

public sealed record KeyView(
    string Id, string Name, string Prefix, IReadOnlyList<string> Routes, int? Rpm,
    DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, bool Revoked, string? Budget, bool StreamCost, int? Tpm, int? Concurrency)
{
    public static KeyView From(VirtualKey key) =>
        new(key.Id, key.Name, key.Prefix, key.Routes, key.Rpm, key.CreatedAt, key.RevokedAt, key.IsRevoked, key.Budget?.ToString(), key.StreamCost,
            key.Tpm, key.Concurrency);
}

public sealed record CreatedKeyView(
    string Id, string Key, string Name, string Prefix, IReadOnlyList<string> Routes, int? Rpm, DateTimeOffset CreatedAt,
    string? Budget, bool StreamCost, int? Tpm, int? Concurrency)
{
    public static CreatedKeyView From(Keys.IssuedKey issued) => new(
        issued.Key.Id, issued.Secret, issued.Key.Name, issued.Key.Prefix, issued.Key.Routes, issued.Key.Rpm, issued.Key.CreatedAt,
        issued.Key.Budget?.ToString(), issued.Key.StreamCost, issued.Key.Tpm, issued.Key.Concurrency);
}

public sealed record KeyList(IReadOnlyList<KeyView> Data);

public sealed record RevokedKeyView(string Id, bool Revoked);

public sealed record BudgetView(
    string Scope, string? Name, string Limit, decimal LimitUsd, string Window, decimal SpentUsd, decimal ReservedUsd, decimal RemainingUsd,
    DateTimeOffset PeriodStart, DateTimeOffset? ResetsAt)
{
    public static BudgetView From(BudgetStatus status) => new(
        status.Scope, status.Name, status.Limit.ToString(), status.Limit.AmountUsd, status.Limit.Window.ToString().ToLowerInvariant(),
        status.SpentUsd, status.ReservedUsd, status.RemainingUsd, status.PeriodStart, status.ResetsAt);
}

public sealed record BudgetList(IReadOnlyList<BudgetView> Data);

/// <summary>Changes a key's budget: <c>budget</c> null or "none" removes it.</summary>
public sealed record KeyBudgetRequest(string? Budget, bool? StreamCost);

public sealed record ReloadResult(bool Reloaded, IReadOnlyList<string> Errors);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Keys.NewKeyRequest))]
[JsonSerializable(typeof(CreatedKeyView))]
[JsonSerializable(typeof(KeyList))]
[JsonSerializable(typeof(KeyView))]
[JsonSerializable(typeof(RevokedKeyView))]
[JsonSerializable(typeof(BudgetList))]
[JsonSerializable(typeof(KeyBudgetRequest))]
[JsonSerializable(typeof(ReloadResult))]
[JsonSerializable(typeof(ProviderHealthList))]
public sealed partial class AdminJson : JsonSerializerContext;
