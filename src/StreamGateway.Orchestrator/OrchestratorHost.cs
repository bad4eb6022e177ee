using StreamGateway.Orchestrator.Chain;
using StreamGateway.Orchestrator.Discovery;
using StreamGateway.Orchestrator.Payments;
using StreamGateway.Orchestrator.Segments;
using StreamGateway.Orchestrator.Sessions;
using StreamGateway.Orchestrator.Tls;
using StreamGateway.Orchestrator.Transcoders;
using StreamGateway.Orchestrator.Transcoding;

namespace StreamGateway.Orchestrator;

/// <summary>
/// The orchestrator's table of contents. Program and the integration tests build the same host; tests add their
/// own configuration (port, work dir, MaxSessions) on top.
/// </summary>
public static class OrchestratorHost
{
    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(OrchestratorHost).Assembly.GetName().Name,
        });
        configure?.Invoke(builder.Configuration);

        builder.Services.AddOrchestratorOptions();
        builder.Services.AddOrchestratorEndpoint();
        builder.Services.AddTranscoding();
        builder.Services.AddDiscovery();
        builder.Services.AddSessions();
        builder.Services.AddSegments();
        builder.Services.AddSingleton<Transcoders.RemoteTranscoders>();
        builder.Services.AddSingleton<Transcoders.SegmentWork>();
        builder.Services.AddChainRegistration(builder.Configuration);
        builder.Services.AddPayments();
        builder.Services.AddOrchestratorMetrics();

        var app = builder.Build();
        app.UseOrchestratorMetrics();
        app.MapDiscovery();
        app.MapSegments();
        app.MapGrpcService<Transcoders.TranscoderGrpcService>();
        app.MapTranscoders();
        app.MapPayments();
        return app;
    }
}
