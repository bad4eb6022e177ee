namespace StreamGateway.Media.Rtmp;

/// <summary>The AMF0 "undefined" value (marker 0x06), distinct from null (marker 0x05).</summary>
public sealed class Amf0Undefined
{
    public static readonly Amf0Undefined Value = new();

    private Amf0Undefined()
    {
    }

    public override string ToString() => "undefined";
}
