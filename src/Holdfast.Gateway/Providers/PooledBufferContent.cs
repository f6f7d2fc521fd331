using System.Net;
using Holdfast.Gateway.Http;

namespace Holdfast.Gateway.Providers;

/// <summary>A request body sent straight from a pooled buffer, without copying.</summary>
internal sealed class PooledBufferContent : HttpContent
{
    private readonly PooledBuffer _buffer;

    public PooledBufferContent(PooledBuffer buffer)
    {
        _buffer = buffer;
        Headers.TryAddWithoutValidation("Content-Type", "application/json");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        stream.WriteAsync(_buffer.Memory).AsTask();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(_buffer.Memory, cancellationToken).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = _buffer.Length;
        return true;
    }
}
