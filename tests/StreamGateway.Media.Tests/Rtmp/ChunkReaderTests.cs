using System.Buffers;
using StreamGateway.Media.Rtmp;

namespace StreamGateway.Media.Tests.Rtmp;

public class ChunkReaderTests
{
    private static RtmpChunkReader NewReader(int maxChunkStreams = 64, int maxMessageLength = 8 * 1024 * 1024, long? maxPendingBytes = null) =>
        new(65536, maxMessageLength, maxChunkStreams, maxPendingBytes ?? 2L * maxMessageLength);

    private static byte[] Payload(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Reads every message, with the input split into segments of <paramref name="segmentSize"/> bytes.</summary>
    private static List<ReceivedMessage> ReadAll(RtmpChunkReader reader, byte[] bytes, int segmentSize = int.MaxValue)
    {
        var buffer = MultiSegment(bytes, segmentSize);
        var messages = new List<ReceivedMessage>();
        while (reader.TryReadMessage(ref buffer, out var m))
        {
            messages.Add(new ReceivedMessage(m.ChunkStreamId, m.TypeId, m.StreamId, m.Timestamp, m.Payload.ToArray()));
        }

        Assert.True(buffer.IsEmpty, $"{buffer.Length} bytes left unread");
        return messages;
    }

    /// <summary>Feeds one byte at a time, as a slow socket would, keeping the unread rest like a pipe does.</summary>
    private static List<ReceivedMessage> ReadByteByByte(RtmpChunkReader reader, byte[] bytes)
    {
        var messages = new List<ReceivedMessage>();
        var pending = new List<byte>();
        foreach (var b in bytes)
        {
            pending.Add(b);
            var buffer = new ReadOnlySequence<byte>(pending.ToArray());
            while (reader.TryReadMessage(ref buffer, out var m))
            {
                messages.Add(new ReceivedMessage(m.ChunkStreamId, m.TypeId, m.StreamId, m.Timestamp, m.Payload.ToArray()));
            }

            pending = [.. buffer.ToArray()];
        }

        Assert.Empty(pending);
        return messages;
    }

    [Fact]
    public void Type_0_chunk_is_one_whole_message()
    {
        using var reader = NewReader();
        var payload = Payload(100);
        var bytes = new ChunkBuilder().Fmt0(4, 1234, 100, 8, 1).Raw(payload).ToArray();

        var message = Assert.Single(ReadAll(reader, bytes));

        Assert.Equal((4, (byte)8, 1u, 1234u), (message.ChunkStreamId, message.TypeId, message.StreamId, message.Timestamp));
        Assert.Equal(payload, message.Payload);
    }

    [Fact]
    public void Types_1_2_and_3_add_deltas_and_reuse_header_fields()
    {
        using var reader = NewReader();
        var b = new ChunkBuilder()
            .Fmt0(6, 1000, 10, 9, 1).Raw(Payload(10, 1))
            .Fmt1(6, 33, 20, 8).Raw(Payload(20, 2)) // new length and type, delta 33
            .Fmt2(6, 40).Raw(Payload(20, 3)) // same length and type, delta 40
            .Fmt3(6).Raw(Payload(20, 4)); // a new message repeating delta 40

        var messages = ReadAll(reader, b.ToArray());

        Assert.Equal([1000u, 1033u, 1073u, 1113u], messages.Select(m => m.Timestamp));
        Assert.Equal([9, 8, 8, 8], messages.Select(m => (int)m.TypeId));
        Assert.Equal([10, 20, 20, 20], messages.Select(m => m.Payload.Length));
        Assert.All(messages, m => Assert.Equal(1u, m.StreamId));
        Assert.Equal(Payload(20, 4), messages[3].Payload);
    }

    [Fact]
    public void Type_3_after_type_0_uses_the_type_0_timestamp_as_its_delta()
    {
        // RTMP spec 5.3.1.2.4.
        using var reader = NewReader();
        var b = new ChunkBuilder().Fmt0(4, 20, 1, 8, 1).Raw(1).Fmt3(4).Raw(2).Fmt3(4).Raw(3);

        Assert.Equal([20u, 40u, 60u], ReadAll(reader, b.ToArray()).Select(m => m.Timestamp));
    }

    [Fact]
    public void Extended_timestamp_is_read_on_type_0_and_repeated_on_type_3_continuations()
    {
        using var reader = NewReader();
        const uint timestamp = 0x01020304;
        var payload = Payload(300);
        var b = new ChunkBuilder()
            .Fmt0(6, timestamp, 300, 9, 1).Raw(payload[..128])
            .Fmt3(6, timestamp).Raw(payload[128..256])
            .Fmt3(6, timestamp).Raw(payload[256..]);

        var message = Assert.Single(ReadAll(reader, b.ToArray()));

        Assert.Equal(timestamp, message.Timestamp);
        Assert.Equal(payload, message.Payload);
    }

    [Fact]
    public void Extended_delta_on_type_1_and_a_new_type_3_message_repeats_it()
    {
        using var reader = NewReader();
        var b = new ChunkBuilder()
            .Fmt0(6, 5, 2, 9, 1).Raw(1, 1)
            .Fmt1(6, 0x01000000, 2, 9).Raw(2, 2)
            .Fmt3(6, 0x01000000).Raw(3, 3);

        Assert.Equal([5u, 0x01000005u, 0x02000005u], ReadAll(reader, b.ToArray()).Select(m => m.Timestamp));
    }

    [Fact]
    public void Timestamp_exactly_0xFFFFFF_is_carried_in_the_extended_field()
    {
        using var reader = NewReader();
        var b = new ChunkBuilder().Fmt0(4, 0xFFFFFF, 1, 8, 1).Raw(7);
        var bytes = b.ToArray();
        Assert.Equal(1 + 11 + 4 + 1, bytes.Length);

        Assert.Equal(0xFFFFFFu, Assert.Single(ReadAll(reader, bytes)).Timestamp);
    }

    [Fact]
    public void Interleaved_chunk_streams_are_reassembled_separately()
    {
        using var reader = NewReader();
        var video = Payload(300, 1);
        var audio = Payload(200, 2);
        var b = new ChunkBuilder()
            .Fmt0(6, 100, 300, 9, 1).Raw(video[..128])
            .Fmt0(4, 90, 200, 8, 1).Raw(audio[..128])
            .Fmt3(6).Raw(video[128..256])
            .Fmt3(4).Raw(audio[128..])
            .Fmt3(6).Raw(video[256..]);

        var messages = ReadAll(reader, b.ToArray());

        Assert.Equal(2, messages.Count);
        Assert.Equal((8, 90u), ((int)messages[0].TypeId, messages[0].Timestamp));
        Assert.Equal(audio, messages[0].Payload);
        Assert.Equal((9, 100u), ((int)messages[1].TypeId, messages[1].Timestamp));
        Assert.Equal(video, messages[1].Payload);
    }

    [Fact]
    public void Set_chunk_size_applies_to_the_chunks_after_it()
    {
        using var reader = NewReader();
        var small = Payload(300, 1);
        var large = Payload(3000, 2);
        var b = new ChunkBuilder()
            .Message(4, 8, 1, 0, small)
            .SetChunkSize(4096)
            .Message(4, 8, 1, 10, large);
        Assert.Equal(4096, b.ChunkSize);

        var messages = ReadAll(reader, b.ToArray());

        Assert.Equal(3, messages.Count);
        Assert.Equal(1, messages[1].TypeId); // Set Chunk Size itself is returned after it is applied
        Assert.Equal(4096, reader.ChunkSize);
        Assert.Equal(small, messages[0].Payload);
        Assert.Equal(large, messages[2].Payload);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(63)]
    [InlineData(64)] // first 2-byte id
    [InlineData(319)] // last 2-byte id
    [InlineData(320)] // first 3-byte id
    [InlineData(65599)] // last 3-byte id
    public void Basic_headers_of_one_two_and_three_bytes(int csid)
    {
        using var reader = NewReader();
        var payload = Payload(200);
        var bytes = new ChunkBuilder().Message(csid, 9, 1, 7, payload).ToArray();
        var expectedHeader = csid < 64 ? 1 : csid < 320 ? 2 : 3;
        Assert.Equal(200 + 11 + (2 * expectedHeader), bytes.Length); // two chunks at the default size of 128

        var message = Assert.Single(ReadAll(reader, bytes));

        Assert.Equal(csid, message.ChunkStreamId);
        Assert.Equal(payload, message.Payload);
    }

    [Fact]
    public void A_message_spanning_many_chunks_survives_any_segmentation()
    {
        var payload = Payload(100_000);
        var bytes = new ChunkBuilder().Message(6, 9, 1, 1, payload).ToArray();

        foreach (var segment in new[] { 1, 7, 128, 140, 4096, int.MaxValue })
        {
            using var reader = NewReader();
            Assert.Equal(payload, Assert.Single(ReadAll(reader, bytes, segment)).Payload);
        }
    }

    [Fact]
    public void Incomplete_chunks_are_left_unconsumed_until_the_rest_arrives()
    {
        using var reader = NewReader();
        var bytes = new ChunkBuilder()
            .Fmt0(4, 0x01000000, 300, 8, 1).Raw(Payload(128))
            .Fmt3(4, 0x01000000).Raw(Payload(128, 2))
            .Fmt3(4, 0x01000000).Raw(Payload(44, 3))
            .Raw(new ChunkBuilder().Message(320, 9, 1, 5, Payload(500, 4)).ToArray())
            .ToArray();

        var messages = ReadByteByByte(reader, bytes);

        Assert.Equal(2, messages.Count);
        Assert.Equal(0x01000000u, messages[0].Timestamp);
        Assert.Equal(Payload(500, 4), messages[1].Payload);
    }

    [Fact]
    public void Zero_length_messages_complete_without_payload()
    {
        using var reader = NewReader();
        var b = new ChunkBuilder().Fmt0(4, 1, 0, 8, 1).Fmt3(4).Fmt0(4, 9, 2, 8, 1).Raw(1, 2);

        var messages = ReadAll(reader, b.ToArray());

        Assert.Equal([0, 0, 2], messages.Select(m => m.Payload.Length));
        Assert.Equal([1u, 2u, 9u], messages.Select(m => m.Timestamp));
    }

    [Fact]
    public void Abort_discards_the_partial_message()
    {
        using var reader = NewReader();
        var b = new ChunkBuilder()
            .Fmt0(6, 0, 300, 9, 1).Raw(Payload(128))
            .Message(2, 2, 0, 0, ChunkBuilder.BigEndian(6))
            .Fmt0(6, 50, 3, 9, 1).Raw(1, 2, 3);

        var messages = ReadAll(reader, b.ToArray());

        Assert.Equal([2, 9], messages.Select(m => (int)m.TypeId));
        Assert.Equal([1, 2, 3], messages[1].Payload);
    }

    [Fact]
    public void A_new_header_during_a_partial_message_starts_over()
    {
        using var reader = NewReader();
        var b = new ChunkBuilder()
            .Fmt0(6, 0, 300, 9, 1).Raw(Payload(128))
            .Fmt0(6, 50, 3, 9, 1).Raw(1, 2, 3);

        Assert.Equal([1, 2, 3], Assert.Single(ReadAll(reader, b.ToArray())).Payload);
    }

    [Fact]
    public void Writer_output_reads_back_identically()
    {
        using var reader = NewReader();
        var writer = new RtmpChunkWriter { ChunkSize = 100 };
        var output = new ArrayBufferWriter<byte>();
        var cases = new (int Csid, uint Timestamp, int Length)[] { (2, 0, 4), (3, 0xFFFFFF, 250), (64, 0x12345678, 1000), (65599, 5, 0), (320, 17, 101) };
        foreach (var (csid, timestamp, length) in cases)
        {
            writer.Write(output, csid, 20, 1, timestamp, Payload(length, csid));
        }

        var messages = ReadAll(reader, [.. new ChunkBuilder().SetChunkSize(100).ToArray(), .. output.WrittenSpan]);

        Assert.Equal(cases.Length + 1, messages.Count);
        for (var i = 0; i < cases.Length; i++)
        {
            var m = messages[i + 1];
            Assert.Equal((cases[i].Csid, cases[i].Timestamp), (m.ChunkStreamId, m.Timestamp));
            Assert.Equal(Payload(cases[i].Length, cases[i].Csid), m.Payload);
        }
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0x7FFFFFFFu)] // above MaxChunkSize
    [InlineData(0x80000000u)] // top bit must be zero
    [InlineData(65537u)]
    public void Out_of_range_chunk_sizes_are_protocol_errors(uint size)
    {
        using var reader = NewReader();
        Assert.Throws<RtmpProtocolException>(() => ReadAll(reader, new ChunkBuilder().SetChunkSize(size).ToArray()));
    }

    [Fact]
    public void Largest_allowed_chunk_size_is_accepted()
    {
        using var reader = NewReader();
        ReadAll(reader, new ChunkBuilder().SetChunkSize(65536).ToArray());
        Assert.Equal(65536, reader.ChunkSize);
    }

    [Fact]
    public void Message_length_above_the_limit_is_refused_at_the_header()
    {
        using var reader = NewReader(maxMessageLength: 1000);
        var bytes = new ChunkBuilder().Fmt0(4, 0, 0xFFFFFF, 9, 1).ToArray();
        Assert.Throws<RtmpProtocolException>(() => ReadAll(reader, bytes));
    }

    [Fact]
    public void Too_many_chunk_streams_is_a_protocol_error()
    {
        using var reader = NewReader(maxChunkStreams: 8);
        var b = new ChunkBuilder();
        for (var csid = 3; csid < 3 + 8; csid++)
        {
            b.Message(csid, 8, 1, 0, [1]);
        }

        Assert.Equal(8, ReadAll(reader, b.ToArray()).Count);
        Assert.Throws<RtmpProtocolException>(() => ReadAll(reader, new ChunkBuilder().Message(11, 8, 1, 0, [1]).ToArray()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Compressed_headers_on_an_unseen_chunk_stream_are_protocol_errors(int fmt)
    {
        using var reader = NewReader();
        var bytes = new ChunkBuilder().BasicHeader(fmt, 5).Raw(new byte[11]).ToArray();
        Assert.Throws<RtmpProtocolException>(() => ReadAll(reader, bytes));
    }

    [Fact]
    public void Unfinished_messages_across_chunk_streams_are_bounded()
    {
        using var reader = NewReader(maxMessageLength: 1024);
        var b = new ChunkBuilder();
        for (var csid = 3; csid < 20; csid++)
        {
            b.Fmt0(csid, 0, 1024, 9, 1).Raw(Payload(128));
        }

        Assert.Throws<RtmpProtocolException>(() => ReadAll(reader, b.ToArray()));
    }

    [Fact]
    public void Unfinished_bytes_are_capped_by_the_pending_limit_not_by_the_message_limit()
    {
        // Two messages of an allowed length, each 768 of 1024 bytes in: together over the pending cap.
        using var reader = NewReader(maxMessageLength: 1024, maxPendingBytes: 1500);
        var b = new ChunkBuilder();
        foreach (var csid in new[] { 3, 4 })
        {
            b.Fmt0(csid, 0, 1024, 9, 1).Raw(Payload(128));
            for (var chunk = 1; chunk < 6; chunk++)
            {
                b.Fmt3(csid).Raw(Payload(128));
            }
        }

        var error = Assert.Throws<RtmpProtocolException>(() => ReadAll(reader, b.ToArray(), segmentSize: 1));
        Assert.Contains("1500 bytes in unfinished messages", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Abandoned_messages_give_their_buffers_back()
    {
        // On each chunk stream: a message filled to one chunk short of its end, then a new header that abandons it
        // and starts another. The unfinished bytes stay few; the buffers of the abandoned messages must not stay.
        const int length = 64 * 1024;
        using var reader = NewReader(maxMessageLength: length);
        var b = new ChunkBuilder();
        var chunk = Payload(128);
        for (var csid = 3; csid < 40; csid++)
        {
            b.Fmt0(csid, 0, length, 9, 1).Raw(chunk);
            for (var sent = 128; sent < length - 128; sent += 128)
            {
                b.Fmt3(csid).Raw(chunk);
            }

            b.Fmt0(csid, 0, length, 9, 1).Raw(chunk);
        }

        var buffer = new ReadOnlySequence<byte>(b.ToArray());
        Assert.False(reader.TryReadMessage(ref buffer, out _));
        Assert.True(buffer.IsEmpty);
        Assert.True(reader.HasPartialMessage);
        Assert.InRange(reader.BufferedBytes, 1, 37 * 4096);
    }

    private static ReadOnlySequence<byte> MultiSegment(byte[] bytes, int segmentSize)
    {
        if (segmentSize >= bytes.Length)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentSize)
        {
            var memory = bytes.AsMemory(offset, Math.Min(segmentSize, bytes.Length - offset));
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
