using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Holdfast.Server.Dashboard;

/// <summary>The page at <c>/</c> until the dashboard lands: what is running and where the APIs are.</summary>
public static class HomePage
{
    private const string Html = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Holdfast</title>
        <style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}code{background:#f2f2f2;padding:0 .3em}</style>
        </head>
        <body>
        <h1>Holdfast is running</h1>
        <p>OpenAI-compatible API: <code>POST /v1/chat/completions</code>, <code>POST /v1/embeddings</code>, <code>GET /v1/models</code>.</p>
        <p>Admin API: <code>/admin/keys</code>, <code>/admin/usage</code>. Health: <code>/healthz</code>, <code>/readyz</code>.</p>
        </body>
        </html>
        """;

    public static IEndpointRouteBuilder MapHomePage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", () => Results.Content(Html, "text/html; charset=utf-8"));
        return endpoints;
    }
}
