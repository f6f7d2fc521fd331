using System.Text.Json;
using Holdfast.Core.Configuration;

namespace Holdfast.Core.Pricing;

/// <summary>
/// The built-in prices of well-known models (<c>prices.json</c>, embedded), as published on the date
/// it carries. Host entries price models as a particular host (Groq, Together, …) sells them; they
/// win over the plain model entries for providers whose base URL is on that host.
/// </summary>
public sealed class PriceCatalogue
{
    private const string ResourceName = "Holdfast.Core.Pricing.prices.json";

    private PriceCatalogue(CatalogueFile file)
    {
        AsOf = file.AsOf;
        Models = new Dictionary<string, ModelPrice>(file.Models, StringComparer.Ordinal);
        Hosts = file.Hosts.ToDictionary(
            h => h.Key,
            h => (IReadOnlyDictionary<string, ModelPrice>)new Dictionary<string, ModelPrice>(h.Value, StringComparer.Ordinal),
            StringComparer.OrdinalIgnoreCase);
    }

    public static PriceCatalogue BuiltIn { get; } = Load();

    /// <summary>The day the catalogue's prices were taken from the providers' price lists.</summary>
    public DateOnly AsOf { get; }

    public IReadOnlyDictionary<string, ModelPrice> Models { get; }

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, ModelPrice>> Hosts { get; }

    private static PriceCatalogue Load()
    {
        using var stream = typeof(PriceCatalogue).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded price catalogue {ResourceName} is missing.");
        var file = JsonSerializer.Deserialize<CatalogueFile>(stream, ConfigJson.Options)
            ?? throw new InvalidDataException("The embedded price catalogue is empty.");
        return new PriceCatalogue(file);
    }

    private sealed record CatalogueFile
    {
        public DateOnly AsOf { get; init; }
        public string? Note { get; init; }
        public Dictionary<string, ModelPrice> Models { get; init; } = [];
        public Dictionary<string, Dictionary<string, ModelPrice>> Hosts { get; init; } = [];
    }
}
