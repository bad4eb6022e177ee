using StreamGateway.Orchestrator;

var app = OrchestratorHost.Build(args);
await app.RunAsync();
