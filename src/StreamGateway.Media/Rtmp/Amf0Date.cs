namespace StreamGateway.Media.Rtmp;

/// <summary>An AMF0 date (marker 0x0B): milliseconds since the Unix epoch (UTC) plus a time-zone field
/// that the spec says should be 0 and readers ignore.</summary>
public readonly record struct Amf0Date(double UnixMilliseconds, short TimeZone = 0)
{
    public static Amf0Date FromDateTimeOffset(DateTimeOffset value) => new(value.ToUnixTimeMilliseconds());

    public DateTimeOffset ToDateTimeOffset() => DateTimeOffset.FromUnixTimeMilliseconds((long)UnixMilliseconds);
}
