using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Core.Transcoding;

namespace StreamGateway.Core.Live;

/// <summary>
/// Hands live segments to the fan-out when orchestrators are configured (otherwise streams stay source-only), and
/// keeps a session's current transcoding problem, so the per-segment health update reports it until a segment is
/// transcoded again.
/// </summary>
public sealed class LiveTranscoding(IOptions<TranscodingOptions> options, IBackgroundJobClient jobs, IConnectionMultiplexer redis,
    StreamOrchestrators orchestrators, ILogger<LiveTranscoding> logger)
{
    private static readonly TimeSpan IssueTtl = TimeSpan.FromMinutes(2);

    private static string IssueKey(Guid session) => $"sg:tx:{session:N}:issue";

    public bool Enabled => options.Value.Enabled;

    /// <summary>
    /// Opens the publish's orchestrator sessions in the background as soon as it is authorised, so its first segment
    /// finds them ready (<see cref="StreamOrchestrators.PrepareAsync"/>).
    /// </summary>
    public void Prepare(Guid session)
    {
        if (Enabled && options.Value.PrepareSessions > 0)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await orchestrators.PrepareAsync(session, CancellationToken.None);
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Could not open orchestrator sessions ahead of session {SessionId}", session);
                }
            });
        }
    }

    /// <summary>Ends the publish's orchestrator sessions once its last segments have had their deadline.</summary>
    public void ScheduleEnd(Guid session)
    {
        if (Enabled)
        {
            jobs.Schedule<EndOrchestratorSessions>(job => job.RunAsync(session), TimeSpan.FromSeconds(30));
        }
    }

    public Task SetIssueAsync(Guid session, string issue) => redis.GetDatabase().StringSetAsync(IssueKey(session), issue, IssueTtl);

    public Task ClearIssueAsync(Guid session) => redis.GetDatabase().KeyDeleteAsync(IssueKey(session));

    public async Task<string?> IssueAsync(Guid session) => Enabled ? (string?)await redis.GetDatabase().StringGetAsync(IssueKey(session)) : null;

    public void Enqueue(LiveSegmentWork work)
    {
        if (Enabled && work.Renditions.Count > 0)
        {
            jobs.Enqueue<LiveTranscodeJob>(job => job.RunAsync(work, CancellationToken.None));
        }
    }
}
