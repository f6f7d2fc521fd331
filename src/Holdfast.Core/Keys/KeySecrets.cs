using System.Security.Cryptography;
using System.Text;

namespace Holdfast.Core.Keys;

/// <summary>Makes new key secrets and hashes presented ones. Keys carry 256 random bits, so one SHA-256 is enough.</summary>
public static class KeySecrets
{
    public const string KeyPrefix = "hf_";
    private const int PrefixShown = 10;

    public static (string Secret, string Hash, string Prefix) Create()
    {
        Span<byte> random = stackalloc byte[32];
        RandomNumberGenerator.Fill(random);
        var secret = KeyPrefix + Base64Url(random);
        return (secret, Hash(secret), secret[..PrefixShown]);
    }

    public static string Hash(string secret)
    {
        Span<byte> hash = stackalloc byte[32];
        var byteCount = Encoding.UTF8.GetByteCount(secret);
        var buffer = byteCount <= 256 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(secret, buffer);
        SHA256.HashData(buffer, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Compares two secrets in time independent of where they differ.</summary>
    public static bool SecretEquals(string presented, string expected)
    {
        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
