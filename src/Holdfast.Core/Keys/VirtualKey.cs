namespace Holdfast.Core.Keys;

/// <summary>A virtual API key as stored: only its hash is kept, never the key itself.</summary>
public sealed record VirtualKey
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Hash { get; init; }

    /// <summary>The first characters of the key, enough for a person to recognise it.</summary>
    public required string Prefix { get; init; }

    /// <summary>Routes this key may call; empty means every route.</summary>
    public IReadOnlyList<string> Routes { get; init; } = [];

    /// <summary>Requests per minute, or null for no limit.</summary>
    public int? Rpm { get; init; }

    /// <summary>Tokens (prompt + completion) per minute, or null for no limit.</summary>
    public int? Tpm { get; init; }

    /// <summary>Requests in flight at once, or null for no limit.</summary>
    public int? Concurrency { get; init; }
    /// <summary>A hard cap on what this key may spend, or null for none.</summary>
    public Budgets.BudgetLimit? Budget { get; init; }

    /// <summary>Whether streams for this key end with a usage chunk that carries the call's cost.</summary>
    public bool StreamCost { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }

    public bool IsRevoked => RevokedAt is not null;

    public bool AllowsRoute(string route) => Routes.Count == 0 || Routes.Contains(route, StringComparer.Ordinal);
}
