using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Usage;

namespace StreamGateway.Core.Live;

/// <summary>Makes the <see cref="LiveSegmenter"/> of each accepted publish, with the services it shares.</summary>
public sealed class LiveSegmenterFactory(
    IOptions<IngestOptions> options,
    IOptions<Streams.MediaLimitsOptions> limits,
    LivePublishers publishers,
    LiveRenditions renditions,
    LiveStatistics statistics,
    LiveSessionEnd end,
    LiveTranscoding transcoding,
    SessionSegments segments,
    UsageRecorder usage,
    Data.DurableWrites writes,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILoggerFactory loggers)
{
    internal LiveSegmenter Create(StreamKeyInfo stream, Guid sessionId, CancellationTokenSource connection) =>
        new(stream, sessionId, connection, options.Value, limits.Value, publishers, renditions, statistics, end, transcoding, segments, usage, writes,
            scopes, clock,
            loggers.CreateLogger<LiveSegmenter>());
}
