namespace Holdfast.Core.Pricing;

/// <summary>Where a model's price came from; the first that has the model wins, in this order.</summary>
public enum PriceSource
{
    /// <summary><c>providers[].prices</c> in the config.</summary>
    Provider,

    /// <summary>The top-level <c>prices</c> in the config.</summary>
    Config,

    /// <summary>The built-in catalogue, for the provider's host.</summary>
    CatalogueHost,

    /// <summary>The built-in catalogue, by model name alone.</summary>
    Catalogue,
}
