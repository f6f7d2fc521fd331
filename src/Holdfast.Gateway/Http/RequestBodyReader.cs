using Holdfast.Gateway.Errors;
using Microsoft.AspNetCore.Http;

namespace Holdfast.Gateway.Http;

/// <summary>Reads a request body into a pooled buffer, refusing anything over the configured limit.</summary>
public static class RequestBodyReader
{
    public static async ValueTask<(PooledBuffer? Body, GatewayError? Error)> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        var declared = request.ContentLength;
        if (declared > limit)
            return (null, GatewayError.BodyTooLarge(limit));
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
}
