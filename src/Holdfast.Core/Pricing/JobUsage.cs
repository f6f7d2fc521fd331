namespace Holdfast.Core.Pricing;

/// <summary>What a finished job used, as the job's provider reported it.</summary>
/// <param name="GpuSeconds">Seconds of GPU time billed.</param>
/// <param name="OutputSeconds">Seconds of video or audio produced.</param>
/// <param name="Images">Images produced.</param>
public readonly record struct JobUsage(decimal GpuSeconds = 0, decimal OutputSeconds = 0, long Images = 0);
