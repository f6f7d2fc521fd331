using Holdfast.Core.Ids;
using Microsoft.AspNetCore.Http;

namespace Holdfast.Gateway.Http;

/// <summary>
/// Gives every response an <c>x-request-id</c>: the client's own when it sent a sensible one,
/// otherwise a new sortable id. The id is also the request's <see cref="HttpContext.TraceIdentifier"/>.
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next, TimeProvider time)
{
    public const string Header = "x-request-id";
    private const int MaxLength = 128;

    public Task InvokeAsync(HttpContext context)
    {
        var supplied = context.Request.Headers[Header];
        var id = supplied.Count == 1 && IsAcceptable(supplied[0]) ? supplied[0]! : Ids.New("req", time.GetUtcNow());
        context.TraceIdentifier = id;
        context.Response.Headers[Header] = id;
        return next(context);
    }

    private static bool IsAcceptable(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
            return false;
        foreach (var c in value)
        {
            if (c < 0x21 || c > 0x7E)
                return false;
        }
        return true;
    }
}
