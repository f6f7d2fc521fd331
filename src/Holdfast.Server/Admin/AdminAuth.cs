using Holdfast.Core.Configuration;
using Holdfast.Core.Keys;
using Holdfast.Gateway.Auth;
using Holdfast.Gateway.Errors;
using Microsoft.AspNetCore.Http;

namespace Holdfast.Server.Admin;

/// <summary>Admin calls carry <c>Authorization: Bearer &lt;admin_token&gt;</c>. Without a configured token the admin API is off.</summary>
public sealed class AdminAuth(ConfigHolder config)
{
    public GatewayError? Check(HttpRequest request)
    {
        var expected = config.Current.Config.AdminToken;
        if (string.IsNullOrEmpty(expected))
            return new GatewayError(401, "invalid_request_error", "admin_disabled",
                "The admin API is disabled: set HOLDFAST_ADMIN_TOKEN (or admin_token in the config file) and restart.");
        var presented = ApiKeyAuthenticator.ReadSecret(request.Headers);
        if (presented is null)
            return new GatewayError(401, "invalid_request_error", "invalid_admin_token", "Send the admin token as 'Authorization: Bearer <token>'.");
        return KeySecrets.SecretEquals(presented, expected)
            ? null
            : new GatewayError(401, "invalid_request_error", "invalid_admin_token", "Incorrect admin token.");
    }
}
