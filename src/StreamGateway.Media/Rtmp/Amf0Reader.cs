using System.Buffers.Binary;
using System.Text;

namespace StreamGateway.Media.Rtmp;

/// <summary>
/// Decodes AMF0 values from a span. Every malformed input (truncation, unknown or unsupported marker,
/// nesting deeper than <see cref="MaxDepth"/>, counts larger than the remaining bytes) raises
/// <see cref="FormatException"/>; nothing else escapes.
/// </summary>
/// <remarks>
/// Supported: number, boolean, string, long string, object, null, undefined, ECMA array, strict array, date.
/// Not supported (FormatException): movieclip, reference, unsupported, recordset, XML document, typed object,
/// and the AVM+ switch to AMF3 — none of them appear in the commands or metadata of publishing encoders.
/// </remarks>
public ref struct Amf0Reader
{
    /// <summary>Object / array nesting allowed before the input is rejected, so hostile input cannot exhaust the stack.</summary>
    public const int MaxDepth = 32;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public Amf0Reader(ReadOnlySpan<byte> data)
    {
        _data = data;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _position;

    public readonly bool End => _position >= _data.Length;

    /// <summary>
    /// Number → double, boolean → bool, string and long string → string, null → null,
    /// undefined → <see cref="Amf0Undefined.Value"/>, object → <see cref="Amf0Object"/>,
    /// ECMA array → <see cref="Amf0EcmaArray"/>, strict array → object?[], date → <see cref="Amf0Date"/>.
    /// </summary>
    public object? ReadValue() => ReadValue(depth: 0);

    /// <summary>Reads a value that must be a string (command names, stream names).</summary>
    public string ReadString() => ReadValue() as string ?? throw new FormatException("AMF0 string expected.");

    private object? ReadValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"AMF0 nesting deeper than {MaxDepth}.");
        }

        var marker = ReadByte();
        switch (marker)
        {
            case Amf0Marker.Number:
                return BinaryPrimitives.ReadDoubleBigEndian(Take(8));
            case Amf0Marker.Boolean:
                return ReadByte() != 0;
            case Amf0Marker.String:
                return ReadUtf8(BinaryPrimitives.ReadUInt16BigEndian(Take(2)));
            case Amf0Marker.LongString:
                return ReadUtf8(BinaryPrimitives.ReadUInt32BigEndian(Take(4)));
            case Amf0Marker.Null:
                return null;
            case Amf0Marker.Undefined:
                return Amf0Undefined.Value;
            case Amf0Marker.Object:
                {
                    var obj = new Amf0Object();
                    ReadProperties(obj, depth, lenientEnd: false);
                    return obj;
                }

            case Amf0Marker.EcmaArray:
                {
                    // The 32-bit associative count is only a hint (encoders disagree on it); the
                    // object-end marker terminates the array.
                    Take(4);
                    var array = new Amf0EcmaArray();
                    ReadProperties(array, depth, lenientEnd: true);
                    return array;
                }

            case Amf0Marker.StrictArray:
                {
                    var count = BinaryPrimitives.ReadUInt32BigEndian(Take(4));

                    // Each element takes at least one byte, so a larger count is a lie we refuse to allocate for.
                    if (count > (uint)(_data.Length - _position))
                    {
                        throw new FormatException("AMF0 strict array count exceeds the input.");
                    }

                    var items = new object?[count];
                    for (var i = 0; i < items.Length; i++)
                    {
                        items[i] = ReadValue(depth + 1);
                    }

                    return items;
                }

            case Amf0Marker.Date:
                {
                    var ms = BinaryPrimitives.ReadDoubleBigEndian(Take(8));
                    var tz = BinaryPrimitives.ReadInt16BigEndian(Take(2));
                    return new Amf0Date(ms, tz);
                }

            default:
                throw new FormatException($"Unsupported AMF0 marker 0x{marker:X2}.");
        }
    }

    // Properties are UTF-8-empty-terminated: a key of length 0 followed by the object-end marker (0x09).
    private void ReadProperties(Amf0Properties target, int depth, bool lenientEnd)
    {
        while (true)
        {
            // Some encoders end an ECMA array at the end of the buffer without the end marker.
            if (lenientEnd && End)
            {
                return;
            }

            var keyLength = BinaryPrimitives.ReadUInt16BigEndian(Take(2));
            if (keyLength == 0 && _position < _data.Length && _data[_position] == Amf0Marker.ObjectEnd)
            {
                _position++;
                return;
            }

            var key = ReadUtf8(keyLength);
            target[key] = ReadValue(depth + 1);
        }
    }

    private byte ReadByte() => Take(1)[0];

    private string ReadUtf8(uint length) => Encoding.UTF8.GetString(Take(length));

    private ReadOnlySpan<byte> Take(uint count)
    {
        if (count > (uint)(_data.Length - _position))
        {
            throw new FormatException("AMF0 data is truncated.");
        }

        var span = _data.Slice(_position, (int)count);
        _position += (int)count;
        return span;
    }
}
