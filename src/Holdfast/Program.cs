using System.CommandLine;
using Holdfast.Commands;

var root = new RootCommand("Holdfast: a self-hosted AI gateway, durable runtime and job server.")
{
    ServeCommand.Create(),
    ConfigCommands.Create(),
    KeysCommands.Create(),
    VersionCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
