using System.Diagnostics.CodeAnalysis;

namespace StreamGateway.Media.Rtmp;

/// <summary>AMF0 ECMA array (marker 0x08): an associative array with a 32-bit count hint.</summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Named after the AMF0 types they model.")]
public sealed class Amf0EcmaArray : Amf0Properties
{
}
