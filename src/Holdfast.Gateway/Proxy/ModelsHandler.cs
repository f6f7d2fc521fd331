using System.Text.Json;
using Holdfast.Core.Configuration;
using Holdfast.Gateway.Auth;
using Holdfast.Gateway.Errors;
using Microsoft.AspNetCore.Http;

namespace Holdfast.Gateway.Proxy;

/// <summary><c>GET /v1/models</c>: the routes the calling key may use, in OpenAI's list shape.</summary>
public sealed class ModelsHandler(ConfigHolder config, ApiKeyAuthenticator authenticator)
{
    public async Task HandleAsync(HttpContext context)
    {
        var error = authenticator.Authenticate(context.Request, out var key);
        if (error is not null)
        {
            await OpenAiErrorWriter.WriteAsync(context, error);
            return;
        }
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        foreach (var route in config.Current.Routes.All.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            if (!key!.AllowsRoute(route.Name))
                continue;
            json.WriteStartObject();
            json.WriteString("id", route.Name);
            json.WriteString("object", "model");
            json.WriteNumber("created", 0);
            json.WriteString("owned_by", "holdfast");
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}
