using Microsoft.Extensions.Options;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Media.Ts;

namespace StreamGateway.Orchestrator.Transcoding;

/// <summary>
/// Transcodes a source segment into every rendition with one ffmpeg process, then counts each output's pixels
/// (width × height × frames, read from the TS bytes by MpegTsVideo; the tests hold it to a full decode): go-B
/// decodes the renditions and drops an orchestrator whose reported pixels differ (livepeer-wire §5).
/// </summary>
public sealed class LadderTranscoder(EncoderSelection encoder, IOptions<OrchestratorOptions> options)
{
    public async Task<IReadOnlyList<Rendition>> TranscodeAsync(
        string source, IReadOnlyList<(LadderProfile Profile, string Output)> renditions, TimeSpan timeout, CancellationToken ct)
    {
        foreach (var (_, output) in renditions)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        }
        var misbehave = options.Value.Misbehave;
        var encoded = misbehave == Misbehaviour.WrongSize
            ? renditions.Select(r => (r.Profile with { Width = Half(r.Profile.Width), Height = Half(r.Profile.Height) }, r.Output)).ToList()
            : renditions;
        var pictureFilter = misbehave == Misbehaviour.WrongPicture ? "hflip,vflip" : null;
        try
        {
            await FfmpegProcess.RunAsync(options.Value.FfmpegPath, FfmpegArguments.Ladder(source, encoded, encoder.Encoder, pictureFilter), timeout, ct);
        }
        catch (FfmpegException e) when (!e.TimedOut && e.StderrTail.Contains(AudioWithoutParameters, StringComparison.Ordinal))
        {
            // A segment cut a frame or two after its last keyframe (a publisher that stopped mid-GOP) can hold an audio
            // track without a single audio packet, whose parameters no muxer can write: its renditions are video only.
            await FfmpegProcess.RunAsync(options.Value.FfmpegPath, FfmpegArguments.Ladder(source, encoded, encoder.Encoder, pictureFilter, audio: false),
                timeout, ct);
        }
        var result = new List<Rendition>(renditions.Count);
        foreach (var (profile, output) in renditions)
        {
            var bytes = await File.ReadAllBytesAsync(output, ct);
            result.Add(new Rendition(profile, output, MpegTsVideo.Read(bytes).Pixels));
            if (misbehave == Misbehaviour.Garbage)
            {
                await File.WriteAllBytesAsync(output, System.Security.Cryptography.RandomNumberGenerator.GetBytes(bytes.Length), ct);
            }
        }
        return result;
    }

    /// <summary>What ffmpeg's MPEG-TS muxer says of an audio track whose sample rate it never learnt.</summary>
    private const string AudioWithoutParameters = "sample rate not set";

    private static int Half(int size) => Math.Max(16, size / 4 * 2);
}
