using Microsoft.Extensions.Configuration;

namespace StreamGateway.Core;

/// <summary>
/// What one gateway node does, from <c>Gateway:Roles</c> (a list of <c>api</c>, <c>ingest</c>, <c>worker</c>; all three
/// when unset): <b>api</b> serves the REST API, uploads and HLS playback; <b>ingest</b> accepts RTMP publishers (and
/// pulls streams, pushes multistream targets for them); <b>worker</b> runs Hangfire jobs (transcoding, assets, webhook
/// deliveries). Every node answers /healthz and runs the cluster's safety nets (lost sessions, the webhook outbox,
/// stuck assets), which claim each piece of work once. The older switches <c>Gateway:RunJobs</c> and
/// <c>Ingest:Enabled</c> still turn their role off.
/// </summary>
public sealed record NodeRoles(bool Api, bool Ingest, bool Worker)
{
    public static readonly IReadOnlyList<string> Names = ["api", "ingest", "worker"];

    public static NodeRoles From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Gateway:Roles");
        // One string ("api,worker", as an environment variable gives it) or a list (appsettings.json).
        var listed = section.Value is { } text
            ? text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries)
            : section.GetChildren().Select(c => c.Value ?? "").ToArray();
        var roles = listed.Length == 0 ? Names.ToHashSet() : listed.Select(r => r.Trim().ToLowerInvariant()).ToHashSet();
        if (roles.FirstOrDefault(r => !Names.Contains(r)) is { } unknown)
        {
            throw new InvalidOperationException($"Gateway:Roles: unknown role '{unknown}' (known: {string.Join(", ", Names)})");
        }
        return new NodeRoles(
            roles.Contains("api"),
            roles.Contains("ingest") && configuration.GetValue("Ingest:Enabled", true),
            roles.Contains("worker") && configuration.GetValue("Gateway:RunJobs", true));
    }

    public override string ToString() =>
        string.Join(",", new[] { Api ? "api" : null, Ingest ? "ingest" : null, Worker ? "worker" : null }.OfType<string>());
}
