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
        // The bytes may be an orchestrator's, shaped to break a reader: a table or header that claims more than its
        // packet holds is the file's fault, said as such, not a crash of the check.
        try
        {
            return ReadPackets(ts);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException("malformed MPEG-TS: a table or header runs past the end of its packet", e);
        }
    }

    private static TsVideoFacts ReadPackets(ReadOnlySpan<byte> ts)
    {
        int pmtPid = -1, videoPid = -1, audioPid = -1, audioType = 0;
        long frames = 0;
        var (video, audio) = (Times.None, Times.None);
        var firstPes = new List<byte>();
        var audioHeader = new byte[16];
        var audioHeaderBytes = -1;
        var lastAudio = new List<byte>(); // the last audio PES's payload: its frames tell where the audio ends
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
                (videoPid, audioPid, audioType) = Elementary(Section(payload));
            }
            else if (pid == videoPid)
            {
                if (unitStart)
                {
                    frames++;
                    collecting = frames == 1;
                    video.Add(Pts(payload));
                }
                if (collecting)
                {
                    firstPes.AddRange(payload);
                }
            }
            else if (pid == audioPid)
            {
                if (unitStart)
                {
                    audio.Add(Pts(payload));
                    lastAudio.Clear();
                    if (payload.Length >= 9 && 9 + payload[8] < payload.Length)
                    {
                        payload = payload[(9 + payload[8])..];
                        if (audioHeaderBytes < 0)
                        {
                            audioHeaderBytes = Math.Min(payload.Length, audioHeader.Length);
                            payload[..audioHeaderBytes].CopyTo(audioHeader);
                        }
                    }
                }
                lastAudio.AddRange(payload);
            }
        }
        if (videoPid < 0)
        {
            throw new InvalidDataException("the file has no H.264 stream");
        }
        var sps = SpsFromPes(firstPes.ToArray());
        var (width, height) = H264Sps.Size(sps);
        var (audioCodec, audioObjectType) = Audio(audioType, audioHeader.AsSpan(0, Math.Max(0, audioHeaderBytes)));
        // The file's span as a demuxer reckons it: from the earliest start of a track to the latest end of one.
        var audioEnd = audioCodec == "aac" && AdtsTicks(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(lastAudio)) is > 0 and var ticks
            ? audio.Last + ticks
            : audio.End;
        // A lone frame spans nothing (0 s); times over an hour apart are nonsense (0 s, unknown).
        var first = Math.Min(video.Count > 0 ? video.First : double.MaxValue, audio.Count > 0 ? audio.First : double.MaxValue);
        var last = Math.Max(video.Count > 0 ? video.End : double.MinValue, audio.Count > 0 ? audioEnd : double.MinValue);
        var span = last >= first && last - first < 3600.0 * 90_000 ? (last - first) / 90_000 : 0;
        return new TsVideoFacts(width, height, frames, video.Seconds)
        {
            ProfileIdc = sps[0],
            ConstraintFlags = sps[1],
            Level = sps[2],
            AudioCodec = audioCodec,
            AudioObjectType = audioObjectType,
            FileSeconds = span,
        };
    }

    /// <summary>One track's presentation times: the first and last, and how many packets carried one.</summary>
    private struct Times
    {
        public static Times None => new() { First = long.MaxValue, Last = long.MinValue };

        public long First;
        public long Last;
        public long Count;

        public void Add(long? pts)
        {
            if (pts is { } t)
            {
                Count++;
                First = Math.Min(First, t);
                Last = Math.Max(Last, t);
            }
        }

        /// <summary>From the first time to the last plus one average packet's length, in 90 kHz ticks; 0 when it cannot be told.</summary>
        private readonly double Ticks
        {
            get
            {
                // 33-bit times at 90 kHz; a span over an hour means they wrapped or are nonsense: unknown then.
                var span = Last - First;
                return Count >= 2 && span > 0 && span < 3600L * 90_000 ? span * (double)Count / (Count - 1) : 0;
            }
        }

        public readonly double End => First + Ticks;

        public readonly double Seconds => Ticks / 90_000;
    }

    private static readonly int[] AdtsRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    /// <summary>
    /// How long the ADTS frames in one PES payload play, in 90 kHz ticks (each frame 1024 samples per raw data block,
    /// ISO/IEC 14496-3 §1.A.2.2); 0 when they cannot be walked. A muxer packs several frames into each audio PES, so the
    /// last PES's start is not where the audio ends.
    /// </summary>
    private static double AdtsTicks(ReadOnlySpan<byte> es)
    {
        var ticks = 0.0;
        for (var i = 0; i + 7 <= es.Length;)
        {
            var h = es[i..];
            var rate = (h[2] >> 2) & 0x0F;
            var length = ((h[3] & 3) << 11) | (h[4] << 3) | (h[5] >> 5);
            if (h[0] != 0xFF || (h[1] & 0xF6) != 0xF0 || rate >= AdtsRates.Length || length < 7)
            {
                return 0;
            }
            ticks += 1024.0 * ((h[6] & 3) + 1) * 90_000 / AdtsRates[rate];
            i += length;
        }
        return ticks;
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

    /// <summary>The first H.264 stream's PID and the first audio stream's PID and type (-1 and 0 where there is none).</summary>
    private static (int Video, int Audio, int AudioType) Elementary(ReadOnlySpan<byte> pmt)
    {
        int video = -1, audio = -1, audioType = 0;
        var infoLength = ((pmt[10] & 0x0F) << 8) | pmt[11];
        for (var i = 12 + infoLength; i + 5 <= pmt.Length - 4;)
        {
            var type = pmt[i];
            var pid = ((pmt[i + 1] & 0x1F) << 8) | pmt[i + 2];
            var esInfo = ((pmt[i + 3] & 0x0F) << 8) | pmt[i + 4];
            if (type == H264StreamType && video < 0)
            {
                video = pid;
            }
            else if (audio < 0 && Audio(type, []).Codec is not null)
            {
                (audio, audioType) = (pid, type);
            }
            i += 5 + esInfo;
        }
        return (video, audio, audioType);
    }

    /// <summary>
    /// An audio stream type's codec, named as ffprobe names it: for AAC with the object type in its first ADTS header
    /// (ISO/IEC 14496-3 §1.A.2.2.1: profile + 1, so 2 is AAC LC), for MPEG audio by the layer in its first frame header
    /// (ISO/IEC 11172-3 §2.4.2.3).
    /// </summary>
    private static (string? Codec, int ObjectType) Audio(int streamType, ReadOnlySpan<byte> firstFrame)
    {
        var synced = firstFrame.Length >= 3 && firstFrame[0] == 0xFF && (firstFrame[1] & 0xE0) == 0xE0;
        return streamType switch
        {
            0x0F => ("aac", synced && (firstFrame[1] & 0xF0) == 0xF0 ? (firstFrame[2] >> 6) + 1 : 0),
            0x03 or 0x04 => (!synced ? "mp3" : ((firstFrame[1] >> 1) & 3) switch { 3 => "mp1", 2 => "mp2", _ => "mp3" }, 0),
            0x81 => ("ac3", 0),
            0x87 => ("eac3", 0),
            _ => (null, 0),
        };
    }

    /// <summary>The first SPS's payload after its NAL header byte, emulation prevention removed.</summary>
    private static byte[] SpsFromPes(byte[] pes)
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
                var sps = Unescape(es[(i + 4)..Math.Min(es.Length, end + 2)]);
                return sps.Length >= 4 ? sps : throw new InvalidDataException("the SPS is truncated");
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
