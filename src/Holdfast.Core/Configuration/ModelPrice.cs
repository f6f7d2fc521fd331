using System.ComponentModel;

namespace Holdfast.Core.Configuration;

/// <summary>USD per million tokens.</summary>
public sealed record ModelPrice
{
    [Description("USD per million input tokens.")]
    public decimal Input { get; init; }

    [Description("USD per million output tokens.")]
    public decimal Output { get; init; }

    [Description("USD per million cached input tokens. Default: the input price.")]
    public decimal? CachedInput { get; init; }
}
