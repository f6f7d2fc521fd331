using Holdfast.Core.Configuration;
using Holdfast.Gateway.Routing;

namespace Holdfast.Tests.Gateway;

public sealed class CircuitBreakerTests
{
    private static readonly CircuitBreakerConfig Settings = new() { Failures = 3, Window = TimeSpan.FromSeconds(10), Cooldown = TimeSpan.FromSeconds(30) };

    [Fact]
    public void NFailuresWithinTheWindow_OpenIt()
    {
        var breaker = new CircuitBreaker();
        breaker.OnFailure(0, Settings);
        breaker.OnFailure(4_000, Settings);
        Assert.Equal(CircuitState.Closed, breaker.State);
        breaker.OnFailure(10_000, Settings);

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(40_000, breaker.OpenUntil);
        Assert.False(breaker.IsAvailable(39_999));
        Assert.False(breaker.TryPass(39_999));
    }

    [Fact]
    public void FailuresFurtherApartThanTheWindow_DoNotOpenIt()
    {
        var breaker = new CircuitBreaker();
        for (var i = 0; i < 10; i++)
            breaker.OnFailure(i * 5_001L, Settings);
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void SuccessesInBetween_DoNotResetTheCount()
    {
        var breaker = new CircuitBreaker();
        breaker.OnFailure(0, Settings);
        breaker.OnSuccess();
        breaker.OnFailure(1_000, Settings);
        breaker.OnSuccess();
        breaker.OnFailure(2_000, Settings);
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void AfterTheCooldown_ExactlyOneTrialPasses_AndItsSuccessCloses()
    {
        var breaker = Opened();

        Assert.Equal(CircuitState.HalfOpen, breaker.StateAt(30_000));
        Assert.True(breaker.IsAvailable(30_000));
        Assert.True(breaker.TryPass(30_000));
        Assert.False(breaker.IsAvailable(30_001));
        Assert.False(breaker.TryPass(30_001));

        breaker.OnSuccess();
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.True(breaker.TryPass(30_002));
        // The failures before it no longer count.
        breaker.OnFailure(30_003, Settings);
        breaker.OnFailure(30_004, Settings);
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void ATrialFailure_OpensItForAnotherCooldown()
    {
        var breaker = Opened();
        Assert.True(breaker.TryPass(30_000));

        breaker.OnFailure(30_500, Settings);

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(60_500, breaker.OpenUntil);
        Assert.Equal(2, breaker.OpenedCount);
    }

    [Fact]
    public void AnAbandonedTrial_FreesTheSlotForTheNextCaller()
    {
        var breaker = Opened();
        Assert.True(breaker.TryPass(30_000));
        breaker.OnAbandoned();
        Assert.True(breaker.TryPass(30_001));
    }

    [Fact]
    public void ZeroFailures_TurnsItOff()
    {
        var breaker = new CircuitBreaker();
        for (var i = 0; i < 100; i++)
            breaker.OnFailure(i, Settings with { Failures = 0 });
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public async Task ConcurrentTrials_OnlyOneWins()
    {
        var breaker = Opened();
        var passed = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => breaker.TryPass(31_000))));
        Assert.Equal(1, passed.Count(p => p));
    }

    private static CircuitBreaker Opened()
    {
        var breaker = new CircuitBreaker();
        for (var i = 0; i < 3; i++)
            breaker.OnFailure(0, Settings);
        Assert.Equal(CircuitState.Open, breaker.State);
        return breaker;
    }
}
