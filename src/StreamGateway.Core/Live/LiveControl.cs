using StreamGateway.Core.Streams;

namespace StreamGateway.Core.Live;

/// <summary>The live path's side of <see cref="ILiveControl"/>: forget a stream's cached key, drop its publisher.</summary>
public sealed class LiveControl(StreamKeys keys, LivePublishers publishers) : ILiveControl
{
    public async Task StreamChangedAsync(LiveStream stream, bool dropPublisher)
    {
        await keys.ForgetAsync(stream.StreamKey);
        if (dropPublisher)
        {
            await publishers.KickAsync(stream.Id);
        }
    }

    public Task TerminateAsync(Guid streamId) => publishers.KickAsync(streamId);
}
