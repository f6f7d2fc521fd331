using System.Security.Cryptography;

namespace Holdfast.Core.Ids;

/// <summary>
/// Sortable identifiers: a prefix, then 48 bits of milliseconds and 80 random bits in Crockford base32
/// (ULID layout), so ids sort by creation time and index well.
/// </summary>
public static class Ids
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New(string prefix, DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        var ms = (ulong)now.ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)(ms & 0xFF);
            ms >>= 8;
        }
        RandomNumberGenerator.Fill(bytes[6..]);
        return string.Create(prefix.Length + 1 + 26, (prefix, Bytes: bytes.ToArray()), static (span, state) =>
        {
            state.prefix.AsSpan().CopyTo(span);
            span[state.prefix.Length] = '_';
            Encode(state.Bytes, span[(state.prefix.Length + 1)..]);
        });
    }

    private static void Encode(byte[] bytes, Span<char> output)
    {
        // 128 bits as 26 base32 digits, most significant first (the first digit carries 3 bits).
        var high = ((ulong)bytes[0] << 56) | ((ulong)bytes[1] << 48) | ((ulong)bytes[2] << 40) | ((ulong)bytes[3] << 32)
                 | ((ulong)bytes[4] << 24) | ((ulong)bytes[5] << 16) | ((ulong)bytes[6] << 8) | bytes[7];
        var low = ((ulong)bytes[8] << 56) | ((ulong)bytes[9] << 48) | ((ulong)bytes[10] << 40) | ((ulong)bytes[11] << 32)
                | ((ulong)bytes[12] << 24) | ((ulong)bytes[13] << 16) | ((ulong)bytes[14] << 8) | bytes[15];
        var value = new UInt128(high, low);
        for (var i = 25; i >= 0; i--)
        {
            output[i] = Alphabet[(int)(ulong)(value & 31)];
            value >>= 5;
        }
    }
}
