using Gateway.Cli;
using Gateway.Hosting;

if (CommandLine.TryRun(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

try
{
    GatewayApp.Create(args).Run();
    return 0;
}
catch (Exception ex) when (StartupFailure.Describe(ex) is { } failure)
{
    // Something the operator fixes, said once and plainly; any other exception keeps its stack trace.
    Console.Error.Write(failure);
    return 1;
}
