using System.Buffers;

namespace Holdfast.Gateway.Http;

/// <summary>Bytes in a rented array; return it with <see cref="Dispose"/>.</summary>
public sealed class PooledBuffer : IDisposable
{
    private byte[]? _array;

    public PooledBuffer(int capacity)
    {
        _array = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));
    }

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, Length);

    /// <summary>Space to read into, growing the array when full.</summary>
    public Memory<byte> GetFreeSpace(int minimum)
    {
        var array = _array!;
        if (array.Length - Length < minimum)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(array.Length * 2, Length + minimum));
            array.AsSpan(0, Length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(array);
            _array = array = bigger;
        }
        return array.AsMemory(Length);
    }

    public void Advance(int count) => Length += count;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetFreeSpace(bytes.Length).Span);
        Length += bytes.Length;
    }

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
            ArrayPool<byte>.Shared.Return(array);
    }
}
