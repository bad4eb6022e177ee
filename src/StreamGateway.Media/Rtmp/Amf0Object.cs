using System.Diagnostics.CodeAnalysis;

namespace StreamGateway.Media.Rtmp;

/// <summary>AMF0 anonymous object (marker 0x03).</summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Named after the AMF0 types they model.")]
public sealed class Amf0Object : Amf0Properties
{
}
