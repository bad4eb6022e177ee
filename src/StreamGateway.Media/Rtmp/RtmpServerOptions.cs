namespace StreamGateway.Media.Rtmp;

/// <summary>Limits and settings of the RTMP publish server. Defaults work for OBS, ffmpeg and GStreamer.</summary>
public sealed class RtmpServerOptions
{
    /// <summary>The only application name accepted in <c>connect</c> (case-sensitive).</summary>
    public string App { get; set; } = "live";

    /// <summary>A peer Set Chunk Size above this (or below 1) closes the connection.</summary>
    public int MaxChunkSize { get; set; } = 65536;

    /// <summary>A message longer than this closes the connection.</summary>
    public int MaxMessageLength { get; set; } = 8 * 1024 * 1024;

    /// <summary>Bytes of unfinished messages, summed over all chunk streams, above which the connection closes.
    /// At least <see cref="MaxMessageLength"/>, so one message of the largest size can always be assembled.</summary>
    public long MaxPendingBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Chunk size we announce after connect and send with.</summary>
    public int OutChunkSize { get; set; } = 4096;

    /// <summary>Window Acknowledgement Size and Set Peer Bandwidth we announce after connect; also our
    /// acknowledgement window until the peer announces its own.</summary>
    public uint WindowAckSize { get; set; } = 2_500_000;

    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection that has not had a publish accepted this long after it began is closed, however
    /// busy the peer keeps it (pings, acknowledgements, commands).</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>No bytes at all from the peer for this long (or our writes stuck this long) closes the connection.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Distinct chunk stream ids one connection may use.</summary>
    public int MaxChunkStreams { get; set; } = 64;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(App, nameof(App));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxChunkSize, 128, nameof(MaxChunkSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageLength, 1024, nameof(MaxMessageLength));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxMessageLength, RtmpChunkWriter.MaxMessageLength, nameof(MaxMessageLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(OutChunkSize, 128, nameof(OutChunkSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(OutChunkSize, 0xFFFFFF, nameof(OutChunkSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingBytes, (long)MaxMessageLength, nameof(MaxPendingBytes));
        ArgumentOutOfRangeException.ThrowIfZero(WindowAckSize, nameof(WindowAckSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandshakeTimeout, TimeSpan.Zero, nameof(HandshakeTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero, nameof(IdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PublishTimeout, TimeSpan.Zero, nameof(PublishTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxChunkStreams, 2, nameof(MaxChunkStreams));
    }
}
