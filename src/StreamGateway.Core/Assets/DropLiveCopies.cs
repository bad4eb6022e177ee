using Hangfire;
using StreamGateway.Core.Storage;

namespace StreamGateway.Core.Assets;

/// <summary>Deletes a recorded session's live copies of segments <c>from</c>..<c>to</c> in each rendition (queue <c>vod</c>).</summary>
public sealed class DropLiveCopies(ISegmentStore store)
{
    [Queue("vod")]
    public Task RunAsync(string playbackId, Guid sessionId, string[] renditions, long from, long to) =>
        DeleteAsync(store, playbackId, sessionId, renditions, from, to);

    public static async Task DeleteAsync(ISegmentStore store, string playbackId, Guid sessionId, IEnumerable<string> renditions, long from, long to)
    {
        foreach (var rendition in renditions)
        {
            for (var index = from; index <= to; index++)
            {
                await store.DeleteAsync(MediaKeys.Live(playbackId, rendition, sessionId, index), CancellationToken.None);
            }
        }
    }
}
