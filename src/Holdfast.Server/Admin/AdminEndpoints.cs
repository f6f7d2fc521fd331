using System.Text.Json;
using Holdfast.Gateway.Auth;
using Holdfast.Gateway.Errors;
using Holdfast.Gateway.Routing;
using Holdfast.Server.Hosting;
using Holdfast.Server.Keys;
using Holdfast.Gateway.Budgets;
using Holdfast.Server.Usage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Holdfast.Server.Admin;

/// <summary>The admin API: keys, usage reports, provider health, configuration reload.</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin").AddEndpointFilter(async (context, next) =>
        {
            var auth = context.HttpContext.RequestServices.GetRequiredService<AdminAuth>();
            var error = auth.Check(context.HttpContext.Request);
            return error is null ? await next(context) : Error(error);
        });

        admin.MapPost("/keys", CreateKeyAsync);
        admin.MapGet("/keys", ListKeysAsync);
        admin.MapDelete("/keys/{id}", RevokeKeyAsync);
        admin.MapPut("/keys/{id}/budget", SetKeyBudgetAsync);
        admin.MapGet("/usage", UsageEndpoint.HandleAsync);
        admin.MapGet("/budgets", async (IBudgetLedger ledger, CancellationToken cancellationToken) =>
            Results.Json(new BudgetList((await ledger.ListAsync(cancellationToken)).Select(BudgetView.From).ToList()), AdminJson.Default.BudgetList));
        admin.MapGet("/providers", (TargetRegistry registry) =>
            Results.Json(ProviderHealthReport.Build(registry), AdminJson.Default.ProviderHealthList));
        admin.MapPost("/config/reload", (ConfigReloader reloader) =>
        {
            var errors = reloader.Reload();
            var result = new ReloadResult(errors.Count == 0, errors);
            return Results.Json(result, AdminJson.Default.ReloadResult, statusCode: errors.Count == 0 ? 200 : 400);
        });
        return endpoints;
    }

    private static async Task<IResult> CreateKeyAsync(HttpContext context, KeyManagement keys, KeyRing ring)
    {
        NewKeyRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, AdminJson.Default.NewKeyRequest, context.RequestAborted);
        }
        catch (JsonException e)
        {
            return Error(GatewayError.InvalidJson(e.Message.Split(" Path:")[0]));
        }
        if (request is null)
            return Error(GatewayError.InvalidRequest("Send a JSON object such as {\"name\":\"my-app\"}."));
        var problems = KeyManagement.Validate(request);
        if (problems.Count > 0)
            return Error(GatewayError.InvalidRequest(string.Join("; ", problems)));
        var issued = await keys.CreateAsync(request, context.RequestAborted);
        await ring.RefreshAsync(force: true, context.RequestAborted);
        return Results.Json(CreatedKeyView.From(issued), AdminJson.Default.CreatedKeyView, statusCode: 201);
    }

    private static async Task<IResult> ListKeysAsync(KeyManagement keys, CancellationToken cancellationToken)
    {
        var list = await keys.ListAsync(cancellationToken);
        return Results.Json(new KeyList(list.Select(KeyView.From).ToList()), AdminJson.Default.KeyList);
    }

    private static async Task<IResult> RevokeKeyAsync(string id, KeyManagement keys, KeyRing ring, CancellationToken cancellationToken)
    {
        if (!await keys.RevokeAsync(id, cancellationToken))
            return Error(GatewayError.NotFound($"No active key with id '{id}'."));
        await ring.RefreshAsync(force: true, cancellationToken);
        return Results.Json(new RevokedKeyView(id, true), AdminJson.Default.RevokedKeyView);
    }

    private static async Task<IResult> SetKeyBudgetAsync(string id, HttpContext context, KeyManagement keys, KeyRing ring)
    {
        KeyBudgetRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, AdminJson.Default.KeyBudgetRequest, context.RequestAborted);
        }
        catch (JsonException e)
        {
            return Error(GatewayError.InvalidJson(e.Message.Split(" Path:")[0]));
        }
        if (request is null || !KeyManagement.TryParseBudget(request.Budget, out var budget))
            return Error(GatewayError.InvalidRequest($"Send {{\"budget\": \"20/month\"}} ({Core.Budgets.BudgetLimit.Format}) or {{\"budget\": null}}.", "budget"));
        var current = ring.FindById(id);
        if (current is null || !await keys.SetBudgetAsync(id, budget, request.StreamCost ?? current.StreamCost, context.RequestAborted))
            return Error(GatewayError.NotFound($"No key with id '{id}'."));
        await ring.RefreshAsync(force: true, context.RequestAborted);
        return Results.Json(KeyView.From(ring.FindById(id)!), AdminJson.Default.KeyView);
    }

    internal static IResult Error(GatewayError error) => new ErrorResult(error);

    private sealed class ErrorResult(GatewayError error) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => OpenAiErrorWriter.WriteAsync(httpContext, error);
    }
}
