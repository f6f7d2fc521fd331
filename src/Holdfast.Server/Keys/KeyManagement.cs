using Holdfast.Core.Ids;
using Holdfast.Core.Keys;
using Holdfast.Storage;

namespace Holdfast.Server.Keys;

public sealed record NewKeyRequest(string? Name, IReadOnlyList<string>? Routes, int? Rpm, int? Tpm = null, int? Concurrency = null);

/// <summary>A key just created: the secret is returned this once and never stored.</summary>
public sealed record IssuedKey(VirtualKey Key, string Secret);

/// <summary>Creating, listing and revoking keys — shared by the admin API and the CLI.</summary>
public sealed class KeyManagement(IStore store, TimeProvider time)
{
    public const int MaxNameLength = 100;

    public static IReadOnlyList<string> Validate(NewKeyRequest request)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(request.Name))
            errors.Add("name is required");
        else if (request.Name.Length > MaxNameLength)
            errors.Add($"name must be at most {MaxNameLength} characters");
        if (request.Rpm is <= 0)
            errors.Add("rpm must be a positive number");
        if (request.Tpm is <= 0)
            errors.Add("tpm must be a positive number");
        if (request.Concurrency is <= 0)
            errors.Add("concurrency must be a positive number");
        if (request.Routes?.Any(string.IsNullOrWhiteSpace) == true)
            errors.Add("routes must not contain empty names");
        return errors;
    }

    public async Task<IssuedKey> CreateAsync(NewKeyRequest request, CancellationToken cancellationToken)
    {
        var errors = Validate(request);
        if (errors.Count > 0)
            throw new ArgumentException(string.Join("; ", errors), nameof(request));
        var (secret, hash, prefix) = KeySecrets.Create();
        var now = time.GetUtcNow();
        var key = new VirtualKey
        {
            Id = Ids.New("key", now),
            Name = request.Name!.Trim(),
            Hash = hash,
            Prefix = prefix,
            Routes = request.Routes?.Select(r => r.Trim()).Distinct(StringComparer.Ordinal).ToList() ?? [],
            Rpm = request.Rpm,
            Tpm = request.Tpm,
            Concurrency = request.Concurrency,
            CreatedAt = now,
        };
        await store.Keys.AddAsync(key, cancellationToken);
        return new IssuedKey(key, secret);
    }

    public Task<IReadOnlyList<VirtualKey>> ListAsync(CancellationToken cancellationToken) => store.Keys.ListAsync(cancellationToken);

    public Task<bool> RevokeAsync(string id, CancellationToken cancellationToken) =>
        store.Keys.RevokeAsync(id, time.GetUtcNow(), cancellationToken);
}
