using Holdfast.Core.Configuration;

namespace Holdfast.Gateway.Routing;

/// <summary>
/// A target's own limits, <c>max_concurrent</c> and <c>rpm</c>. A request that finds no room waits up
/// to <c>queue_timeout</c> for it, then is told to try the next target. Targets without limits never
/// get here.
/// </summary>
public sealed class TargetLimiter : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private SemaphoreSlim? _concurrency;
    private int _concurrencyLimit;
    private RpmWindow _window = new(long.MinValue);

    public TargetLimiter(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Takes room for one request; not acquired when none came within the queue timeout.</summary>
    public async ValueTask<TargetSlot> TryAcquireAsync(TargetConfig settings, CancellationToken cancellationToken)
    {
        var deadline = _time.GetTimestamp() + (long)(settings.QueueTimeout.TotalSeconds * _time.TimestampFrequency);
        if (settings.Rpm is { } rpm && !await TryTakeRequestAsync(rpm, deadline, cancellationToken))
            return default;
        if (settings.MaxConcurrent is not { } max)
            return new TargetSlot(true, null);
        var semaphore = ConcurrencyFor(max);
        if (semaphore.Wait(0, CancellationToken.None))
            return new TargetSlot(true, semaphore);
        var wait = Remaining(deadline);
        return wait > TimeSpan.Zero && await semaphore.WaitAsync(wait, cancellationToken)
            ? new TargetSlot(true, semaphore)
            : default;
    }

    /// <summary>Requests in flight under max_concurrent, when the target has one.</summary>
    public int? InFlight => _concurrency is { } s ? _concurrencyLimit - s.CurrentCount : null;

    public void Dispose() => _concurrency?.Dispose();

    private SemaphoreSlim ConcurrencyFor(int max)
    {
        var semaphore = Volatile.Read(ref _concurrency);
        if (semaphore is not null && _concurrencyLimit == max)
            return semaphore;
        lock (_gate)
        {
            if (_concurrency is null || _concurrencyLimit != max)
            {
                // A reload changed the limit: requests holding the old semaphore release into it, and it is dropped.
                _concurrency = new SemaphoreSlim(max, int.MaxValue);
                _concurrencyLimit = max;
            }
            return _concurrency;
        }
    }

    private async ValueTask<bool> TryTakeRequestAsync(int rpm, long deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = _time.GetTimestamp();
            var window = Volatile.Read(ref _window);
            if (window.Start == long.MinValue || now >= window.Start + WindowTicks)
            {
                Interlocked.CompareExchange(ref _window, new RpmWindow(now), window);
                continue;
            }
            if (Interlocked.Increment(ref window.Count) <= rpm)
                return true;
            var reset = window.Start + WindowTicks;
            if (reset > deadline)
                return false;
            await Task.Delay(TimeSpan.FromSeconds((double)(reset - now) / _time.TimestampFrequency), _time, cancellationToken);
        }
    }

    private long WindowTicks => (long)(Window.TotalSeconds * _time.TimestampFrequency);

    private TimeSpan Remaining(long deadline) =>
        TimeSpan.FromSeconds((double)(deadline - _time.GetTimestamp()) / _time.TimestampFrequency);

    private sealed class RpmWindow(long start)
    {
        public readonly long Start = start;
        public int Count;
    }
}

/// <summary>Room taken under a target's limits; release it when the attempt ends.</summary>
public readonly record struct TargetSlot(bool Acquired, SemaphoreSlim? Semaphore)
{
    public void Release() => Semaphore?.Release();
}
