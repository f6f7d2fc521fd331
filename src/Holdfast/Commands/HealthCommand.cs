using System.CommandLine;

namespace Holdfast.Commands;

/// <summary>
/// <c>holdfast health</c>: exit 0 when the server answers its readiness check. For container health
/// checks and scripts, where curl may not exist.
/// </summary>
internal static class HealthCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url")
        {
            Description = "Address to check.",
            DefaultValueFactory = _ => "http://127.0.0.1:8080/readyz",
        };
        var command = new Command("health", "Check that a running server is ready (exit code 0) or not (1).") { url };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using var response = await http.GetAsync(new Uri(parse.GetValue(url)!), cancellationToken);
                Console.WriteLine($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException)
            {
                await Console.Error.WriteLineAsync($"not ready: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
