using Holdfast.Core.Keys;
using Holdfast.Gateway.Errors;
using Holdfast.Gateway.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Holdfast.Gateway.Auth;

/// <summary>Finds the virtual key of a request from <c>Authorization: Bearer</c> or <c>x-api-key</c>.</summary>
public sealed class ApiKeyAuthenticator(KeyRing keys)
{
    public GatewayError? Authenticate(HttpRequest request, out VirtualKey? key)
    {
        if (request.HttpContext.Features.Get<InternalCaller>() is { } caller)
        {
            // A call from inside the process: the key is given, but a revoked one still stops it.
            key = keys.FindById(caller.Key.Id) ?? caller.Key;
            return key.IsRevoked ? GatewayError.RevokedKey() : null;
        }
        key = null;
        var secret = ReadSecret(request.Headers);
        if (secret is null)
            return GatewayError.MissingKey();
        key = keys.Find(secret);
        if (key is null)
            return GatewayError.InvalidKey();
        return key.IsRevoked ? GatewayError.RevokedKey() : null;
    }

    public static string? ReadSecret(IHeaderDictionary headers)
    {
        var authorization = headers.Authorization;
        if (authorization.Count == 1)
        {
            var value = authorization[0].AsSpan().Trim();
            if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                var secret = value[7..].Trim();
                return secret.IsEmpty ? null : secret.ToString();
            }
        }
        StringValues apiKey = headers["x-api-key"];
        return apiKey.Count == 1 && !string.IsNullOrWhiteSpace(apiKey[0]) ? apiKey[0]!.Trim() : null;
    }
}
