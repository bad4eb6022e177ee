using System.Buffers;
using StreamGateway.Media.Flv;
using StreamGateway.Media.Ts;

namespace StreamGateway.Media.Tests.Ts;

/// <summary>Reads the tags of an FLV file (Adobe FLV spec annex E) for feeding a segmenter in tests.</summary>
internal static class FlvTags
{
    public static List<(byte Type, uint Timestamp, byte[] Payload)> Read(byte[] flv)
    {
        if (flv.Length < 13 || flv[0] != 'F' || flv[1] != 'L' || flv[2] != 'V')
        {
            throw new InvalidDataException("not an FLV file");
        }
        var tags = new List<(byte, uint, byte[])>();
        var at = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(flv.AsSpan(5)) + 4;
        while (at + FlvWriter.TagHeaderSize <= flv.Length)
        {
            var size = (flv[at + 1] << 16) | (flv[at + 2] << 8) | flv[at + 3];
            var timestamp = (uint)((flv[at + 7] << 24) | (flv[at + 4] << 16) | (flv[at + 5] << 8) | flv[at + 6]);
            tags.Add((flv[at], timestamp, flv.AsSpan(at + FlvWriter.TagHeaderSize, size).ToArray()));
            at += FlvWriter.TagHeaderSize + size + 4;
        }
        return tags;
    }

    public static void Feed(TsSegmenter segmenter, IEnumerable<(byte Type, uint Timestamp, byte[] Payload)> tags)
    {
        foreach (var (type, timestamp, payload) in tags)
        {
            if (type == FlvWriter.VideoTag)
            {
                segmenter.WriteVideo(timestamp, payload);
            }
            else if (type == FlvWriter.AudioTag)
            {
                segmenter.WriteAudio(timestamp, payload);
            }
        }
        segmenter.Complete();
    }
}

/// <summary>Keeps each segment's bytes in memory, and the segments as reported.</summary>
internal sealed class MemorySegments : ITsSegmentOutput
{
    public List<ArrayBufferWriter<byte>> Bytes { get; } = [];
    public List<TsSegment> Closed { get; } = [];

    public IBufferWriter<byte> Open(int index)
    {
        Assert.Equal(Bytes.Count, index);
        Bytes.Add(new ArrayBufferWriter<byte>());
        return Bytes[index];
    }

    public void Close(TsSegment segment)
    {
        Assert.Equal(Closed.Count, segment.Index);
        Assert.Equal(Bytes[segment.Index].WrittenCount, segment.Bytes);
        Closed.Add(segment);
    }
}
