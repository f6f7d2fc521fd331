using Npgsql;

namespace Holdfast.IntegrationTests.Infrastructure;

/// <summary>
/// The real PostgreSQL server the tests use, found through <c>HOLDFAST_TEST_PG</c> (a connection string
/// to a database the tests may create databases from). <c>scripts/postgres-test-server.sh start</c>
/// starts one; the test script does so by itself.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "HOLDFAST_TEST_PG";

    public static string BaseConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: these tests need a real PostgreSQL server. " +
                "Run 'scripts/postgres-test-server.sh start' and export the line it prints, or run ./test.sh.");

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var name = "holdfast_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(BaseConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(BaseConnectionString) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(BaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
