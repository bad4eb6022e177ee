namespace StreamGateway.Media.Rtmp;

/// <summary>How one connection ended.</summary>
/// <param name="Reason">A short human text that never contains the stream key.</param>
/// <param name="Dropped">We closed it for what the peer did or failed to do: a timeout, the publish deadline, a
/// limit or a protocol error. False when the peer left, the publish ended or the host cancelled it.</param>
public sealed record RtmpConnectionEnd(string Reason, bool Dropped);
