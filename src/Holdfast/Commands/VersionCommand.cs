using System.CommandLine;
using System.Reflection;

namespace Holdfast.Commands;

internal static class VersionCommand
{
    public static string Version =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static Command Create()
    {
        var command = new Command("version", "Print the version.");
        command.SetAction(_ =>
        {
            Console.WriteLine($"holdfast {Version} (.NET {Environment.Version})");
            return 0;
        });
        return command;
    }
}
