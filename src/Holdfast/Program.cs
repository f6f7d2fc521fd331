using System.CommandLine;
using Holdfast.Commands;

var root = new RootCommand("Holdfast: a self-hosted AI gateway, durable runtime and job server.")
{
    ServeCommand.Create(),
    ConfigCommands.Create(),
    KeysCommands.Create(),
    CostCommands.Usage(),
    CostCommands.Budgets(),
    BackupCommands.CreateBackup(),
    BackupCommands.CreateRestore(),
    HealthCommand.Create(),
    VersionCommand.Create(),
};

// SIGTERM and Ctrl+C are left to the server's own lifetime, which lets in-flight requests and
// streams finish within server.shutdown_timeout; the parser's default would end the process after 2 s.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
return await root.Parse(args).InvokeAsync(invocation);
