using Gateway.Cli;
using Gateway.Hosting;

if (args is [DevTokenCommand.Verb, .. var tokenArgs])
{
    return DevTokenCommand.Run(tokenArgs, Console.Out, Console.Error);
}

GatewayApp.Create(args).Run();
return 0;
