using Holdfast.Gateway.Http;

namespace Holdfast.Gateway.Forwarding;

/// <summary>
/// A copy of the bytes a client was sent, for the response cache, up to a size limit: an answer
/// that grows past it is not kept at all.
/// </summary>
public sealed class ResponseCapture(int maxBytes) : IDisposable
{
    private PooledBuffer? _buffer = new(Math.Min(maxBytes, 16 * 1024));

    /// <summary>False once the answer outgrew the limit.</summary>
    public bool Complete => _buffer is not null;

    public ReadOnlyMemory<byte> Bytes => _buffer?.Memory ?? ReadOnlyMemory<byte>.Empty;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_buffer is null)
            return;
        if (_buffer.Length + bytes.Length > maxBytes)
        {
            _buffer.Dispose();
            _buffer = null;
            return;
        }
        _buffer.Append(bytes);
    }

    public void Dispose() => _buffer?.Dispose();
}
