using Holdfast.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Holdfast.Server.Health;

/// <summary><c>/healthz</c>: the process answers. <c>/readyz</c>: the store answers and the node is not stopping.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("{\"status\":\"ok\"}", "application/json"));
        endpoints.MapGet("/readyz", async (IStore store, IHostApplicationLifetime lifetime, CancellationToken cancellationToken) =>
        {
            if (lifetime.ApplicationStopping.IsCancellationRequested)
                return Results.Text("{\"status\":\"stopping\"}", "application/json", statusCode: 503);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                await store.PingAsync(timeout.Token);
                return Results.Text("{\"status\":\"ready\"}", "application/json");
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return Results.Text("{\"status\":\"store_unavailable\"}", "application/json", statusCode: 503);
            }
        });
        return endpoints;
    }
}
