using Gateway.Cli;
using Gateway.Hosting;

if (CommandLine.TryRun(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

GatewayApp.Create(args).Run();
return 0;
