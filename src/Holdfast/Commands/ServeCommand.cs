using System.CommandLine;
using Holdfast.Core.Configuration;
using Holdfast.Server.Hosting;

namespace Holdfast.Commands;

internal static class ServeCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var data = CommonOptions.Data();
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on, ';'-separated (default: $HOLDFAST_URLS, else http://127.0.0.1:8080)." };
        var command = new Command("serve", "Run the server.") { config, urls, data };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new ServeOptions { ConfigPath = parse.GetValue(config), Urls = parse.GetValue(urls), DataDir = parse.GetValue(data) };
            Microsoft.AspNetCore.Builder.WebApplication app;
            try
            {
                app = await HoldfastServer.CreateAsync(options, cancellationToken);
            }
            catch (ConfigException e)
            {
                foreach (var error in e.Errors)
                    await Console.Error.WriteLineAsync(error.ToString());
                return 1;
            }
            await using (app)
            {
                await app.RunAsync();
            }
            return 0;
        });
        return command;
    }
}
