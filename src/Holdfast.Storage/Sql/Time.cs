namespace Holdfast.Storage.Sql;

/// <summary>Instants are stored as unix milliseconds in every backend.</summary>
internal static class Time
{
    public static long ToMillis(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMillis(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static long? ToMillis(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static DateTimeOffset? FromMillis(long? value) => value is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(value.Value);
}
