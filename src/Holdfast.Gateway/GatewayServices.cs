using Holdfast.Gateway.Auth;
using Holdfast.Gateway.Caching;
using Holdfast.Gateway.Budgets;
using Holdfast.Gateway.Internal;
using Holdfast.Gateway.Limits;
using Holdfast.Gateway.Metering;
using Holdfast.Gateway.Proxy;
using Holdfast.Gateway.Providers;
using Holdfast.Gateway.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Holdfast.Gateway;

public static class GatewayServices
{
    /// <summary>Registers the gateway. Needs a <c>ConfigHolder</c>, an <c>IStore</c> and a <c>TimeProvider</c>.</summary>
    public static IServiceCollection AddHoldfastGateway(this IServiceCollection services)
    {
        services.TryAddSingleton<KeyRing>();
        services.TryAddSingleton<ApiKeyAuthenticator>();
        services.TryAddSingleton<KeyRateLimiter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderAdapter, OpenAiCompatibleAdapter>());
        services.TryAddSingleton<ProviderAdapters>();
        services.TryAddSingleton<TargetRegistry>();
        services.TryAddSingleton<TargetDispatcher>();
        services.TryAddSingleton<ExactResponseCache>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IResponseCache, ExactResponseCache>(sp => sp.GetRequiredService<ExactResponseCache>()));
        services.TryAddSingleton<ResponseCaches>();
        services.TryAddSingleton<UsageSink>();
        services.TryAddSingleton<BudgetAlertQueue>();
        services.TryAddSingleton<BudgetWebhookSender>();
        services.TryAddSingleton<IBudgetLedger, BudgetLedger>();
        services.TryAddSingleton<BudgetGate>();
        services.TryAddSingleton<ProxyHandler>();
        services.TryAddSingleton<ModelsHandler>();
        services.TryAddSingleton<IGatewayInvoker, GatewayInvoker>();
        services.AddHostedService<KeyRingRefresher>();
        services.AddHostedService<UsageWriter>();
        services.AddHostedService<ResponseCacheWriter>();
        services.AddHostedService<BudgetAlertService>();
        services.AddHostedService<UsageRetentionService>();
        return services;
    }

    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1");
        v1.MapPost("/chat/completions", (HttpContext context, ProxyHandler proxy) =>
            proxy.HandleAsync(context, ProxyEndpoint.ChatCompletions));
        v1.MapPost("/embeddings", (HttpContext context, ProxyHandler proxy) =>
            proxy.HandleAsync(context, ProxyEndpoint.Embeddings));
        v1.MapGet("/models", (HttpContext context, ModelsHandler models) => models.HandleAsync(context));
        return endpoints;
    }
}
