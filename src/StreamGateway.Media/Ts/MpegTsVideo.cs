namespace StreamGateway.Media.Ts;

/// <summary>
/// Reads an MPEG-TS file's first H.264 stream without decoding (ISO/IEC 13818-1 for the packets, PAT and PMT;
/// ITU-T H.264 §7.3.2.1 for the sequence parameter set): the frame count is the number of PES packets on the video
/// PID, which for a file muxed by ffmpeg is one access unit each, the size comes from the first SPS with its
/// cropping applied, and the span from the PES presentation times. Pure; in microseconds what an ffprobe process
/// takes a tenth of a second to say.
/// </summary>
public static class MpegTsVideo
{
    private const int PacketSize = 188;
    private const byte SyncByte = 0x47;
    private const byte H264StreamType = 0x1B;

    /// <exception cref="InvalidDataException">Not MPEG-TS, no H.264 stream, or no readable SPS.</exception>
    public static TsVideoFacts Read(ReadOnlySpan<byte> ts)
    {
        int pmtPid = -1, videoPid = -1;
        long frames = 0, timed = 0, firstPts = long.MaxValue, lastPts = long.MinValue;
        var firstPes = new List<byte>();
        var collecting = false;
        if (ts.Length < PacketSize || ts.Length % PacketSize != 0)
        {
            throw new InvalidDataException("not an MPEG-TS file (length is not a multiple of 188 bytes)");
        }
        for (var offset = 0; offset + PacketSize <= ts.Length; offset += PacketSize)
        {
            var packet = ts.Slice(offset, PacketSize);
            if (packet[0] != SyncByte)
            {
                throw new InvalidDataException($"lost MPEG-TS sync at byte {offset}");
            }
            var pid = ((packet[1] & 0x1F) << 8) | packet[2];
            var unitStart = (packet[1] & 0x40) != 0;
            var control = (packet[3] >> 4) & 3;
            if ((control & 1) == 0)
            {
                continue; // adaptation field only
            }
            var start = 4 + ((control & 2) != 0 ? 1 + packet[4] : 0);
            if (start >= PacketSize)
            {
                continue;
            }
            var payload = packet[start..];
            if (pid == 0 && unitStart && pmtPid < 0)
            {
                pmtPid = FirstProgramPid(Section(payload));
            }
            else if (pid == pmtPid && unitStart && videoPid < 0)
            {
                videoPid = H264Pid(Section(payload));
            }
            else if (pid == videoPid)
            {
                if (unitStart)
                {
                    frames++;
                    collecting = frames == 1;
                    if (Pts(payload) is { } pts)
                    {
                        timed++;
                        firstPts = Math.Min(firstPts, pts);
                        lastPts = Math.Max(lastPts, pts);
                    }
                }
                if (collecting)
                {
                    firstPes.AddRange(payload);
                }
            }
        }
        if (videoPid < 0)
        {
            throw new InvalidDataException("the file has no H.264 stream");
        }
        var (width, height) = SizeFromPes(firstPes.ToArray());
        // 33-bit times at 90 kHz; a span over an hour means they wrapped or are nonsense: unknown then.
        var span = lastPts - firstPts;
        var seconds = timed >= 2 && span > 0 && span < 3600L * 90_000 ? span * (double)timed / (timed - 1) / 90_000 : 0;
        return new TsVideoFacts(width, height, frames, seconds);
    }

    /// <summary>The PTS of a PES packet that starts in <paramref name="payload"/>, if it carries one.</summary>
    private static long? Pts(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 14 || payload[0] != 0 || payload[1] != 0 || payload[2] != 1 || (payload[7] & 0x80) == 0)
        {
            return null;
        }
        return ((long)(payload[9] & 0x0E) << 29) | ((long)payload[10] << 22) | ((long)(payload[11] & 0xFE) << 14) |
               ((long)payload[12] << 7) | ((long)payload[13] >> 1);
    }

    /// <summary>The PSI section after the pointer field.</summary>
    private static ReadOnlySpan<byte> Section(ReadOnlySpan<byte> payload)
    {
        var pointer = payload[0];
        var section = payload[(1 + pointer)..];
        var length = ((section[1] & 0x0F) << 8) | section[2];
        return section[..Math.Min(section.Length, 3 + length)];
    }

    private static int FirstProgramPid(ReadOnlySpan<byte> pat)
    {
        for (var i = 8; i + 4 <= pat.Length - 4; i += 4)
        {
            var program = (pat[i] << 8) | pat[i + 1];
            if (program != 0)
            {
                return ((pat[i + 2] & 0x1F) << 8) | pat[i + 3];
            }
        }
        throw new InvalidDataException("the PAT lists no program");
    }

    private static int H264Pid(ReadOnlySpan<byte> pmt)
    {
        var infoLength = ((pmt[10] & 0x0F) << 8) | pmt[11];
        for (var i = 12 + infoLength; i + 5 <= pmt.Length - 4;)
        {
            var type = pmt[i];
            var pid = ((pmt[i + 1] & 0x1F) << 8) | pmt[i + 2];
            var esInfo = ((pmt[i + 3] & 0x0F) << 8) | pmt[i + 4];
            if (type == H264StreamType)
            {
                return pid;
            }
            i += 5 + esInfo;
        }
        return -1;
    }

    private static (int Width, int Height) SizeFromPes(byte[] pes)
    {
        if (pes.Length < 9 || pes[0] != 0 || pes[1] != 0 || pes[2] != 1)
        {
            throw new InvalidDataException("the first video PES has no start code");
        }
        var es = pes.AsSpan(9 + pes[8]);
        for (var i = 0; i + 3 < es.Length; i++)
        {
            if (es[i] == 0 && es[i + 1] == 0 && es[i + 2] == 1 && (es[i + 3] & 0x1F) == 7)
            {
                var end = i + 4;
                while (end + 2 < es.Length && !(es[end] == 0 && es[end + 1] == 0 && (es[end + 2] == 1 || es[end + 2] == 0)))
                {
                    end++;
                }
                return H264Sps.Size(Unescape(es[(i + 4)..Math.Min(es.Length, end + 2)]));
            }
        }
        throw new InvalidDataException("the first access unit has no SPS");
    }

    /// <summary>Drops emulation prevention bytes (00 00 03 → 00 00).</summary>
    private static byte[] Unescape(ReadOnlySpan<byte> nal)
    {
        var rbsp = new List<byte>(nal.Length);
        var zeros = 0;
        foreach (var b in nal)
        {
            if (zeros >= 2 && b == 3)
            {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            rbsp.Add(b);
        }
        return rbsp.ToArray();
    }
}
