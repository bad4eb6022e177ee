using System.Buffers;

namespace StreamGateway.Media.Rtmp;

/// <summary>AMF0 encode/decode entry points and the onMetaData helper.</summary>
public static class Amf0
{
    /// <summary>Encodes the values back to back, as RTMP command and data messages carry them.</summary>
    public static byte[] Encode(params object?[] values)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new Amf0Writer(buffer);
        foreach (var value in values)
        {
            writer.WriteValue(value);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes one value; <paramref name="consumed"/> tells how many bytes it took.</summary>
    /// <exception cref="FormatException">The input is not valid AMF0.</exception>
    public static object? Decode(ReadOnlySpan<byte> data, out int consumed)
    {
        var reader = new Amf0Reader(data);
        var value = reader.ReadValue();
        consumed = reader.Position;
        return value;
    }

    /// <summary>Decodes values until the input ends.</summary>
    /// <exception cref="FormatException">The input is not valid AMF0.</exception>
    public static IReadOnlyList<object?> DecodeAll(ReadOnlySpan<byte> data)
    {
        var reader = new Amf0Reader(data);
        var values = new List<object?>();
        while (!reader.End)
        {
            values.Add(reader.ReadValue());
        }

        return values;
    }

    /// <summary>
    /// The fields of an onMetaData data payload (the "onMetaData" string followed by an object or ECMA array),
    /// as a <see cref="RtmpMediaMessage"/> of kind Data or an FLV script tag holds it. A leading
    /// "@setDataFrame" is skipped too. Malformed input gives an empty dictionary.
    /// </summary>
    public static IReadOnlyDictionary<string, object?> OnMetaDataFields(ReadOnlySpan<byte> dataPayload)
    {
        try
        {
            var reader = new Amf0Reader(dataPayload);
            var name = reader.ReadValue() as string;
            if (name == RtmpDataNames.SetDataFrame)
            {
                name = reader.ReadValue() as string;
            }

            if (name == RtmpDataNames.OnMetaData && reader.ReadValue() is Amf0Properties fields)
            {
                return fields.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            }
        }
        catch (FormatException)
        {
        }

        return new Dictionary<string, object?>(StringComparer.Ordinal);
    }
}
