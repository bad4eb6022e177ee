using Google.Protobuf;
using Microsoft.Extensions.Options;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Network.Wire;
using StreamGateway.Orchestrator.Transcoding;

namespace StreamGateway.Orchestrator.Transcoders;

/// <summary>
/// Where a segment is transcoded: on a joined transcoder when one has room (the session's own first), else here
/// unless <see cref="OrchestratorOptions.TranscodeLocally"/> is off.
/// </summary>
public sealed class SegmentWork(RemoteTranscoders remote, LadderTranscoder local, IOptions<OrchestratorOptions> options, TimeProvider clock)
{
    /// <summary>go-O's refusal when it has no transcoder for a segment.</summary>
    public const string NoTranscoders = "no transcoders available";

    private static readonly ByteString InvalidProfiles = ByteString.CopyFromUtf8("invalid");

    public async Task<IReadOnlyList<Rendition>> TranscodeAsync(string sessionId, SegData segment, string source,
        IReadOnlyList<(LadderProfile Profile, string Output)> outputs, TimeSpan timeout, CancellationToken ct)
    {
        var o = options.Value;
        if (remote.Count > 0)
        {
            var job = segment.Clone();
            job.Hash = ByteString.Empty; // as go-O sends it: the transcoder trusts the orchestrator's copy
            var notice = new NotifySegment
            {
                Url = TranscoderEndpoints.SourceUrl(o, sessionId, source).ToString(),
                SegData = job,
                Profiles = InvalidProfiles,
                OrchId = o.EthereumAddress ?? "offchain",
            };
            var pixels = await remote.TranscodeAsync(sessionId, notice, [.. outputs.Select(x => x.Output)], clock.GetUtcNow() + timeout, clock, ct);
            if (pixels is not null)
            {
                OrchestratorMetrics.TranscoderSegments.Add(1);
                return [.. outputs.Select((x, i) => new Rendition(x.Profile, x.Output, pixels[i]))];
            }
        }
        if (!o.TranscodeLocally)
        {
            throw new InvalidDataException(NoTranscoders);
        }
        return await local.TranscodeAsync(source, outputs, timeout, ct);
    }
}
