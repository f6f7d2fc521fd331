using System.ComponentModel;

namespace Holdfast.Core.Configuration;

/// <summary>
/// What one model costs, in USD: tokens per million, generated media per image or per second, jobs
/// per second of GPU time. A dimension with no price is unknown, never free: a call that uses it
/// gets an unknown cost.
/// </summary>
public sealed record ModelPrice
{
    [Description("USD per million input (prompt) tokens.")]
    public decimal? Input { get; init; }

    [Description("USD per million output (completion) tokens.")]
    public decimal? Output { get; init; }

    [Description("USD per million input tokens read from the provider's prompt cache. Default: the input price.")]
    public decimal? CachedInput { get; init; }

    [Description("USD per million input tokens written to the provider's prompt cache. Default: the input price.")]
    public decimal? CacheWrite { get; init; }

    [Description("USD per generated image.")]
    public decimal? PerImage { get; init; }

    [Description("USD per second of generated output (video, audio).")]
    public decimal? PerOutputSecond { get; init; }

    [Description("USD per second of GPU time a job used.")]
    public decimal? PerGpuSecond { get; init; }
}
