using Hangfire;
using StreamGateway.Core.Transcoding;

namespace StreamGateway.Core.Live;

/// <summary>The job behind <see cref="LiveTranscoding.ScheduleEnd"/>.</summary>
public sealed class EndOrchestratorSessions(StreamOrchestrators orchestrators)
{
    [Queue("live")]
    public Task RunAsync(Guid session) => orchestrators.EndSessionsAsync(session);
}
