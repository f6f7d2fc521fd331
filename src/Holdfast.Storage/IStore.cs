namespace Holdfast.Storage;

/// <summary>
/// Everything Holdfast keeps. One interface, two implementations (SQLite, PostgreSQL), one shared
/// conformance suite in the tests.
/// </summary>
public interface IStore : IAsyncDisposable
{
    string Kind { get; }

    IKeyStore Keys { get; }

    IUsageStore Usage { get; }

    IResponseCacheStore ResponseCache { get; }
    IBudgetStore Budgets { get; }

    /// <summary>Applies every schema migration not yet applied. Safe to call from several processes at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Answers when the store can be read and written.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
