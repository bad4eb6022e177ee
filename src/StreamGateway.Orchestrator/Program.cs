using StreamGateway.Orchestrator;
using StreamGateway.Orchestrator.Transcoders;

// `--transcoder` runs the transcoder role: a GPU worker joined to an orchestrator instead of an orchestrator.
if (args.Contains("--transcoder"))
{
    await TranscoderHost.Build(args).RunAsync();
    return;
}
var app = OrchestratorHost.Build(args);
await app.RunAsync();
