using StreamGateway.Media.Rtmp;

namespace StreamGateway.Media.Tests.Rtmp;

public class Amf0Tests
{
    // Byte vectors written out from the AMF0 specification (section 2): marker, then big-endian payload.
    public static TheoryData<string, byte[], object?> KnownVectors => new()
    {
        { "number 1.0", [0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0], 1.0 },
        { "number -2.5", [0x00, 0xC0, 0x04, 0, 0, 0, 0, 0, 0], -2.5 },
        { "boolean true", [0x01, 0x01], true },
        { "boolean false", [0x01, 0x00], false },
        { "string ab", [0x02, 0x00, 0x02, 0x61, 0x62], "ab" },
        { "empty string", [0x02, 0x00, 0x00], "" },
        { "utf-8 string", [0x02, 0x00, 0x02, 0xC3, 0xA9], "é" },
        { "null", [0x05], null },
        { "long string", [0x0C, 0x00, 0x00, 0x00, 0x01, 0x7A], "z" },
    };

    [Theory]
    [MemberData(nameof(KnownVectors))]
    public void Decodes_hand_built_scalars(string name, byte[] bytes, object? expected)
    {
        Assert.NotNull(name);
        var value = Amf0.Decode(bytes, out var consumed);
        Assert.Equal(expected, value);
        Assert.Equal(bytes.Length, consumed);
    }

    [Theory]
    [MemberData(nameof(KnownVectors))]
    public void Encodes_scalars_to_the_spec_bytes_except_long_strings(string name, byte[] bytes, object? expected)
    {
        if (bytes[0] == 0x0C)
        {
            return; // a short string is always encoded with the 16-bit form
        }

        Assert.Equal(bytes, Amf0.Encode(expected));
        Assert.NotNull(name);
    }

    [Fact]
    public void Decodes_undefined_as_its_own_value()
    {
        Assert.Same(Amf0Undefined.Value, Amf0.Decode([0x06], out _));
        Assert.Equal([0x06], Amf0.Encode(Amf0Undefined.Value));
    }

    [Fact]
    public void Decodes_a_hand_built_object_with_its_end_marker()
    {
        // { "a": 1.0, "b": "x" } then object end: 00 00 09
        byte[] bytes = [0x03, 0x00, 0x01, 0x61, 0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 0x62, 0x02, 0x00, 0x01, 0x78, 0x00, 0x00, 0x09];
        var obj = Assert.IsType<Amf0Object>(Amf0.Decode(bytes, out var consumed));
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal(["a", "b"], obj.Keys);
        Assert.Equal(1.0, obj["a"]);
        Assert.Equal("x", obj["b"]);
        Assert.Equal(bytes, Amf0.Encode(obj));
    }

    [Fact]
    public void Decodes_a_hand_built_ecma_array()
    {
        // count 1, { "x": true }, object end
        byte[] bytes = [0x08, 0, 0, 0, 1, 0x00, 0x01, 0x78, 0x01, 0x01, 0x00, 0x00, 0x09];
        var array = Assert.IsType<Amf0EcmaArray>(Amf0.Decode(bytes, out _));
        Assert.Equal(true, array["x"]);
        Assert.Equal(bytes, Amf0.Encode(array));
    }

    [Fact]
    public void Ecma_array_count_is_only_a_hint()
    {
        byte[] bytes = [0x08, 0, 0, 0, 0, 0x00, 0x01, 0x78, 0x01, 0x01, 0x00, 0x01, 0x79, 0x05, 0x00, 0x00, 0x09];
        var array = Assert.IsType<Amf0EcmaArray>(Amf0.Decode(bytes, out _));
        Assert.Equal(2, array.Count);
    }

    [Fact]
    public void Decodes_a_hand_built_strict_array_and_date()
    {
        byte[] bytes = [0x0A, 0, 0, 0, 2, 0x05, 0x02, 0x00, 0x01, 0x61, 0x0B, 0x42, 0x77, 0x48, 0x76, 0xE8, 0x00, 0x00, 0x00, 0x00, 0x00];
        var items = Assert.IsType<object?[]>(Amf0.Decode(bytes, out _));
        Assert.Equal(2, items.Length);
        Assert.Null(items[0]);
        Assert.Equal("a", items[1]);

        var date = Assert.IsType<Amf0Date>(Amf0.Decode(bytes.AsSpan(10), out _));
        Assert.Equal(1_600_000_000_000.0, date.UnixMilliseconds);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_600_000_000_000), date.ToDateTimeOffset());
    }

    [Fact]
    public void Round_trips_every_type()
    {
        var nested = new Amf0Object
        {
            { "number", 3.25 },
            { "bool", false },
            { "text", "héllo" },
            { "null", null },
            { "undefined", Amf0Undefined.Value },
            { "ecma", new Amf0EcmaArray { { "k", 1.0 }, { "inner", new Amf0Object { { "deep", true } } } } },
            { "strict", new object?[] { 1.0, "two", null, new object?[] { false } } },
            { "date", new Amf0Date(1_700_000_000_123, 0) },
            { "long", new string('L', 70_000) },
        };
        object?[] values = [double.NaN, double.PositiveInfinity, -0.0, true, "", nested, null, Amf0Undefined.Value];

        var decoded = Amf0.DecodeAll(Amf0.Encode(values));

        Assert.Equal(values.Length, decoded.Count);
        Assert.True(double.IsNaN((double)decoded[0]!));
        Assert.Equal(double.PositiveInfinity, decoded[1]);
        Assert.True(double.IsNegative((double)decoded[2]!));
        Assert.Equal(true, decoded[3]);
        Assert.Equal("", decoded[4]);
        AssertSameTree(nested, decoded[5]);
        Assert.Null(decoded[6]);
        Assert.Same(Amf0Undefined.Value, decoded[7]);
    }

    [Fact]
    public void Encodes_clr_numbers_as_amf0_numbers()
    {
        Assert.Equal(Amf0.Encode(31.0), Amf0.Encode(31));
        Assert.Equal(Amf0.Encode(31.0), Amf0.Encode(31L));
        Assert.Equal(Amf0.Encode(31.0), Amf0.Encode(31u));
    }

    [Fact]
    public void Every_truncation_of_a_command_is_a_format_exception()
    {
        var bytes = Amf0.Encode(new Amf0Object
        {
            { "app", "live" },
            { "list", new object?[] { 1.0, "x", new Amf0Object { { "y", true } } } },
            { "when", new Amf0Date(5, 0) },
        });

        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes.AsSpan(0, length).ToArray();
            Assert.Throws<FormatException>(() => Amf0.Decode(prefix, out _));
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x04 })] // movieclip: reserved
    [InlineData(new byte[] { 0x07, 0x00, 0x01 })] // reference: unsupported here
    [InlineData(new byte[] { 0x0D })] // unsupported marker
    [InlineData(new byte[] { 0x11, 0x01 })] // AVM+ switch to AMF3
    [InlineData(new byte[] { 0x09 })] // object end outside an object
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x05 })] // strict array count beyond the input
    [InlineData(new byte[] { 0x02, 0x00, 0x05, 0x61 })] // string longer than the input
    [InlineData(new byte[] { 0x0C, 0xFF, 0xFF, 0xFF, 0xFF })] // long string longer than the input
    [InlineData(new byte[] { 0x03, 0x00, 0x01, 0x61, 0x04 })] // bad marker inside an object
    public void Bad_input_is_a_format_exception(byte[] bytes)
    {
        Assert.Throws<FormatException>(() => Amf0.Decode(bytes, out _));
    }

    [Fact]
    public void Nesting_is_bounded()
    {
        var bytes = new List<byte>();
        for (var i = 0; i < 10_000; i++)
        {
            bytes.AddRange([0x0A, 0, 0, 0, 1]);
        }

        bytes.Add(0x05);
        Assert.Throws<FormatException>(() => Amf0.Decode(bytes.ToArray(), out _));

        var objects = new List<byte>();
        for (var i = 0; i < 10_000; i++)
        {
            objects.AddRange([0x03, 0x00, 0x01, 0x61]);
        }

        Assert.Throws<FormatException>(() => Amf0.Decode(objects.ToArray(), out _));
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted()
    {
        var bytes = new List<byte>();
        for (var i = 0; i < Amf0Reader.MaxDepth; i++)
        {
            bytes.AddRange([0x0A, 0, 0, 0, 1]);
        }

        bytes.Add(0x05);
        Assert.IsType<object?[]>(Amf0.Decode(bytes.ToArray(), out _));
    }

    [Fact]
    public void Random_bytes_only_ever_raise_format_exceptions()
    {
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (bytes.Length > 0)
            {
                bytes[0] = (byte)random.Next(0, 0x12);
            }

            try
            {
                Amf0.DecodeAll(bytes);
            }
            catch (FormatException)
            {
            }
        }
    }

    [Fact]
    public void OnMetaData_fields_come_from_the_ecma_array()
    {
        var payload = Amf0.Encode("onMetaData", new Amf0EcmaArray { { "width", 1280.0 }, { "encoder", "obs" } });

        var fields = Amf0.OnMetaDataFields(payload);

        Assert.Equal(1280.0, fields["width"]);
        Assert.Equal("obs", fields["encoder"]);
    }

    [Fact]
    public void OnMetaData_fields_accept_an_object_and_a_leading_setDataFrame()
    {
        var payload = Amf0.Encode("@setDataFrame", "onMetaData", new Amf0Object { { "framerate", 30.0 } });
        Assert.Equal(30.0, Amf0.OnMetaDataFields(payload)["framerate"]);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x02, 0x00, 0x0A })]
    [InlineData(new byte[] { 0x02, 0x00, 0x03, 0x66, 0x6F, 0x6F, 0x05 })]
    public void OnMetaData_fields_are_empty_for_malformed_or_other_payloads(byte[] payload)
    {
        Assert.Empty(Amf0.OnMetaDataFields(payload));
    }

    private static void AssertSameTree(object? expected, object? actual)
    {
        switch (expected)
        {
            case Amf0Properties props:
                var other = Assert.IsAssignableFrom<Amf0Properties>(actual);
                Assert.Equal(expected.GetType(), actual!.GetType());
                Assert.Equal(props.Keys, other.Keys);
                foreach (var (key, value) in props)
                {
                    AssertSameTree(value, other[key]);
                }

                break;
            case object?[] items:
                var list = Assert.IsType<object?[]>(actual);
                Assert.Equal(items.Length, list.Length);
                for (var i = 0; i < items.Length; i++)
                {
                    AssertSameTree(items[i], list[i]);
                }

                break;
            default:
                Assert.Equal(expected, actual);
                break;
        }
    }
}
