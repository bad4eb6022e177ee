using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Text;

namespace StreamGateway.Media.Rtmp;

/// <summary>Encodes AMF0 values into a buffer writer (AMF0 specification, section 2).</summary>
public sealed class Amf0Writer(IBufferWriter<byte> output)
{
    public void WriteNumber(double value)
    {
        var span = output.GetSpan(9);
        span[0] = Amf0Marker.Number;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value);
        output.Advance(9);
    }

    public void WriteBoolean(bool value)
    {
        var span = output.GetSpan(2);
        span[0] = Amf0Marker.Boolean;
        span[1] = value ? (byte)1 : (byte)0;
        output.Advance(2);
    }

    /// <summary>Strings whose UTF-8 form exceeds 65,535 bytes are written as long strings (0x0C, 32-bit length).</summary>
    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        if (length <= ushort.MaxValue)
        {
            WriteMarker(Amf0Marker.String);
            WriteUtf8(value, length, lengthBytes: 2);
        }
        else
        {
            WriteMarker(Amf0Marker.LongString);
            WriteUtf8(value, length, lengthBytes: 4);
        }
    }

    public void WriteNull() => WriteMarker(Amf0Marker.Null);

    public void WriteUndefined() => WriteMarker(Amf0Marker.Undefined);

    public void WriteObject(IEnumerable<KeyValuePair<string, object?>> properties)
    {
        WriteMarker(Amf0Marker.Object);
        WriteProperties(properties);
    }

    public void WriteEcmaArray(IReadOnlyCollection<KeyValuePair<string, object?>> properties)
    {
        WriteMarker(Amf0Marker.EcmaArray);
        WriteUInt32((uint)properties.Count);
        WriteProperties(properties);
    }

    public void WriteStrictArray(IReadOnlyList<object?> items)
    {
        WriteMarker(Amf0Marker.StrictArray);
        WriteUInt32((uint)items.Count);
        foreach (var item in items)
        {
            WriteValue(item);
        }
    }

    public void WriteDate(Amf0Date value)
    {
        var span = output.GetSpan(11);
        span[0] = Amf0Marker.Date;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value.UnixMilliseconds);
        BinaryPrimitives.WriteInt16BigEndian(span[9..], value.TimeZone);
        output.Advance(11);
    }

    /// <summary>Writes any value <see cref="Amf0Reader.ReadValue"/> can return, plus the CLR numeric types,
    /// <see cref="DateTimeOffset"/>, dictionaries (as objects) and lists (as strict arrays).</summary>
    public void WriteValue(object? value)
    {
        switch (value)
        {
            case null:
                WriteNull();
                break;
            case Amf0Undefined:
                WriteUndefined();
                break;
            case string s:
                WriteString(s);
                break;
            case bool b:
                WriteBoolean(b);
                break;
            case double d:
                WriteNumber(d);
                break;
            case float or int or long or uint or short or ushort or byte or sbyte or ulong or decimal:
                WriteNumber(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case Amf0Date date:
                WriteDate(date);
                break;
            case DateTimeOffset dto:
                WriteDate(Amf0Date.FromDateTimeOffset(dto));
                break;
            case Amf0EcmaArray ecma:
                WriteEcmaArray(ecma);
                break;
            case IEnumerable<KeyValuePair<string, object?>> obj:
                WriteObject(obj);
                break;
            case IReadOnlyList<object?> list:
                WriteStrictArray(list);
                break;
            case IEnumerable items:
                WriteStrictArray(items.Cast<object?>().ToList());
                break;
            default:
                throw new ArgumentException($"No AMF0 encoding for {value.GetType().Name}.", nameof(value));
        }
    }

    private void WriteProperties(IEnumerable<KeyValuePair<string, object?>> properties)
    {
        foreach (var (key, value) in properties)
        {
            var length = Encoding.UTF8.GetByteCount(key);
            if (length is 0 or > ushort.MaxValue)
            {
                throw new ArgumentException("AMF0 property names must be 1..65535 UTF-8 bytes.", nameof(properties));
            }

            WriteUtf8(key, length, lengthBytes: 2);
            WriteValue(value);
        }

        // Object end: an empty UTF-8 name followed by the object-end marker.
        var end = output.GetSpan(3);
        end[0] = 0;
        end[1] = 0;
        end[2] = Amf0Marker.ObjectEnd;
        output.Advance(3);
    }

    private void WriteMarker(byte marker)
    {
        output.GetSpan(1)[0] = marker;
        output.Advance(1);
    }

    private void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private void WriteUtf8(string value, int byteCount, int lengthBytes)
    {
        var span = output.GetSpan(lengthBytes + byteCount);
        if (lengthBytes == 2)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)byteCount);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, (uint)byteCount);
        }

        Encoding.UTF8.GetBytes(value, span[lengthBytes..]);
        output.Advance(lengthBytes + byteCount);
    }
}
