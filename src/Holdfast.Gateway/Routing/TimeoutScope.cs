namespace Holdfast.Gateway.Routing;

/// <summary>A token cancelled when its parent is, or when <c>after</c> has passed on the given clock.</summary>
internal sealed class TimeoutScope : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly ITimer? _timer;

    public TimeoutScope(TimeSpan after, TimeProvider time, CancellationToken parent)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(parent);
        // On the system clock the source's own timer does it, without a timer object per request.
        if (ReferenceEquals(time, TimeProvider.System))
            _source.CancelAfter(after);
        else
            _timer = time.CreateTimer(static s => Cancel((CancellationTokenSource)s!), _source, after, Timeout.InfiniteTimeSpan);
    }

    public CancellationToken Token => _source.Token;

    private static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The scope ended just as the time ran out.
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _source.Dispose();
    }
}
