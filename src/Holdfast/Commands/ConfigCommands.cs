using System.CommandLine;
using System.Text.Json;
using Holdfast.Core.Configuration;
using Holdfast.Server.Hosting;

namespace Holdfast.Commands;

internal static class ConfigCommands
{
    public static Command Create()
    {
        var command = new Command("config", "Check the configuration file or print its schema.");
        var file = CommonOptions.Config();
        var check = new Command("check", "Validate the configuration; errors name the file, line and field. Exit code 1 on error.") { file };
        check.SetAction(parse =>
        {
            var options = new ServeOptions { ConfigPath = parse.GetValue(file) };
            var result = ServerSettings.LoadConfig(options, out var path);
            if (!result.IsValid)
            {
                foreach (var error in result.Errors)
                    Console.Error.WriteLine(error.ToString());
                return 1;
            }
            var config = result.Config!;
            Console.WriteLine($"{path ?? "embedded defaults"}: OK ({config.Providers.Count} providers, {config.Routes.Count} routes, {config.Prices.Count} prices)");
            return 0;
        });

        var schema = new Command("schema", "Print the JSON Schema of the configuration file.");
        schema.SetAction(_ =>
        {
            Console.WriteLine(ConfigSchema.Generate().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        });

        command.Subcommands.Add(check);
        command.Subcommands.Add(schema);
        return command;
    }
}
