using System.Net.Http.Headers;
using System.Text;
using Holdfast.Core.Configuration;
using Holdfast.Storage;
using StandardWebhooks;

namespace Holdfast.Gateway.Budgets;

/// <summary>POSTs an alert signed per the Standard Webhooks spec (webhook-id, webhook-timestamp, webhook-signature).</summary>
public sealed class BudgetWebhookSender(TimeProvider time) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout };

    /// <returns>Null when the receiver accepted it (2xx), else what went wrong.</returns>
    public async Task<string?> SendAsync(WebhookConfig webhook, BudgetAlertRecord alert, CancellationToken cancellationToken)
    {
        var timestamp = time.GetUtcNow();
        var signature = new StandardWebhook(webhook.Secret!).Sign(alert.Id, timestamp, alert.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url)
        {
            Content = new StringContent(alert.Payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("webhook-id", alert.Id);
        request.Headers.Add("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signature);
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"the receiver answered HTTP {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return e is TaskCanceledException ? "the receiver did not answer in time" : $"could not reach the receiver: {e.Message}";
        }
    }

    public void Dispose() => _http.Dispose();
}
