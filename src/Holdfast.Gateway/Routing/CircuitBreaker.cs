using Holdfast.Core.Configuration;

namespace Holdfast.Gateway.Routing;

public enum CircuitState
{
    Closed,
    Open,
    HalfOpen,
}

/// <summary>
/// One target's circuit: <c>failures</c> failures within <c>window</c> open it; an open circuit
/// skips the target until <c>cooldown</c> has passed, then lets exactly one trial call through
/// (half-open); that call's success closes the circuit, its failure opens it again.
/// </summary>
/// <remarks>
/// Polly's breaker counts a failure ratio over a sampling period, which opens on one failure among
/// many calls and cannot express "N failures in a window"; this one counts failures exactly. The
/// success path reads one field; the lock is only taken on failures and state changes.
/// </remarks>
public sealed class CircuitBreaker
{
    private readonly Lock _gate = new();
    private long[] _failures = [];
    private int _next;
    private volatile int _state;
    private long _openUntil;
    private int _trialTaken;
    private long _openedCount;

    public CircuitState State => (CircuitState)_state;

    /// <summary>Unix ms when an open circuit lets its trial call through.</summary>
    public long OpenUntil => Volatile.Read(ref _openUntil);

    /// <summary>How many times the circuit has opened.</summary>
    public long OpenedCount => Interlocked.Read(ref _openedCount);

    /// <summary>The state as a caller would find it now: an open circuit whose cooldown passed counts as half-open.</summary>
    public CircuitState StateAt(long now) =>
        _state == (int)CircuitState.Open && now >= Volatile.Read(ref _openUntil) ? CircuitState.HalfOpen : (CircuitState)_state;

    /// <summary>Whether a call may be tried now, without taking the trial slot.</summary>
    public bool IsAvailable(long now) => _state switch
    {
        (int)CircuitState.Closed => true,
        (int)CircuitState.Open => now >= Volatile.Read(ref _openUntil),
        _ => Volatile.Read(ref _trialTaken) == 0,
    };

    /// <summary>Lets a call through: always when closed; only the one trial call when half-open.</summary>
    public bool TryPass(long now)
    {
        if (_state == (int)CircuitState.Closed)
            return true;
        lock (_gate)
        {
            if (_state == (int)CircuitState.Open)
            {
                if (now < _openUntil)
                    return false;
                _state = (int)CircuitState.HalfOpen;
                _trialTaken = 0;
            }
            if (_state == (int)CircuitState.HalfOpen)
            {
                if (_trialTaken != 0)
                    return false;
                _trialTaken = 1;
            }
            return true;
        }
    }

    public void OnSuccess()
    {
        if (_state == (int)CircuitState.Closed)
            return;
        lock (_gate)
        {
            _state = (int)CircuitState.Closed;
            _trialTaken = 0;
            Array.Fill(_failures, long.MinValue);
            _next = 0;
        }
    }

    /// <summary>A call that ended without telling whether the target works (the client left): frees the trial slot.</summary>
    public void OnAbandoned()
    {
        if (_state != (int)CircuitState.HalfOpen)
            return;
        lock (_gate)
            _trialTaken = 0;
    }

    public void OnFailure(long now, CircuitBreakerConfig settings)
    {
        if (settings.Failures <= 0)
            return;
        lock (_gate)
        {
            if (_state == (int)CircuitState.HalfOpen)
            {
                Open(now, settings);
                return;
            }
            if (_state == (int)CircuitState.Open)
                return;
            if (_failures.Length != settings.Failures)
            {
                _failures = new long[settings.Failures];
                Array.Fill(_failures, long.MinValue);
                _next = 0;
            }
            _failures[_next] = now;
            _next = (_next + 1) % _failures.Length;
            // The slot after the newest holds the oldest of the last N failures.
            var oldest = _failures[_next];
            if (oldest != long.MinValue && now - oldest <= (long)settings.Window.TotalMilliseconds)
                Open(now, settings);
        }
    }

    private void Open(long now, CircuitBreakerConfig settings)
    {
        Volatile.Write(ref _openUntil, now + (long)settings.Cooldown.TotalMilliseconds);
        _state = (int)CircuitState.Open;
        _trialTaken = 0;
        Array.Fill(_failures, long.MinValue);
        Interlocked.Increment(ref _openedCount);
    }
}
