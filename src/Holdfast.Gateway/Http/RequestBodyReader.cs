using System.Buffers;
using Holdfast.Gateway.Errors;
using Microsoft.AspNetCore.Http;

namespace Holdfast.Gateway.Http;

/// <summary>Reads a request body into a pooled buffer, refusing anything over the configured limit.</summary>
public static class RequestBodyReader
{
    private const long DrainLimit = 1024 * 1024;

    public static async ValueTask<(PooledBuffer? Body, GatewayError? Error)> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        var declared = request.ContentLength;
        if (declared > limit)
        {
            if (declared <= limit + DrainLimit)
                await DrainAsync(request.Body, cancellationToken);
            return (null, GatewayError.BodyTooLarge(limit));
        }
        var buffer = new PooledBuffer((int)Math.Min(declared ?? 4096, limit));
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(buffer.GetFreeSpace(4096), cancellationToken);
                if (read == 0)
                    return (buffer, null);
                buffer.Advance(read);
                if (buffer.Length > limit)
                {
                    buffer.Dispose();
                    await DrainAsync(request.Body, cancellationToken);
                    return (null, GatewayError.BodyTooLarge(limit));
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            buffer.Dispose();
            return (null, GatewayError.BodyTooLarge(limit));
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads and drops up to <see cref="DrainLimit"/> more bytes of a refused body, so a client that is
    /// still sending it gets the 413 rather than a reset connection. Larger bodies are cut off.
    /// </summary>
    private static async Task DrainAsync(Stream body, CancellationToken cancellationToken)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long drained = 0;
            int read;
            while (drained < DrainLimit && (read = await body.ReadAsync(scratch, cancellationToken)) > 0)
                drained += read;
        }
        catch (Exception e) when (e is IOException or BadHttpRequestException or OperationCanceledException)
        {
            // The client gave up or sent something broken: the 413 goes out all the same.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
