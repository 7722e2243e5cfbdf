using Gateway.Cli;
using Gateway.Hosting;

if (args is [DevTokenCommand.Verb, .. var tokenArgs])
{
    return DevTokenCommand.Run(tokenArgs, Console.Out, Console.Error);
}

if (args is [ExplainCommand.Verb, .. var explainArgs])
{
    return ExplainCommand.Run(explainArgs, Console.Out, Console.Error);
}

GatewayApp.Create(args).Run();
return 0;
