namespace StreamGateway.Media.Rtmp;

/// <summary>User Control event types (RTMP spec 7.1.7).</summary>
internal static class UserControlEvent
{
    public const ushort StreamBegin = 0;
    public const ushort PingRequest = 6;
    public const ushort PingResponse = 7;
}
