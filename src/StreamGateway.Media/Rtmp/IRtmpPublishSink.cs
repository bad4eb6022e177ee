namespace StreamGateway.Media.Rtmp;

/// <summary>Receives the media of one accepted publish.</summary>
public interface IRtmpPublishSink
{
    /// <summary>The payload is only valid during this call; copy it to keep it.</summary>
    ValueTask WriteAsync(RtmpMediaMessage message, CancellationToken ct);

    /// <summary>Called exactly once when the publish ends for any reason (FCUnpublish/deleteStream/closeStream,
    /// socket close, protocol error, cancellation, timeout). <paramref name="reason"/> is a short human text
    /// that never contains the stream key.</summary>
    ValueTask CompleteAsync(string reason);
}
