using StreamGateway.Cli;

return await Cli.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable);
