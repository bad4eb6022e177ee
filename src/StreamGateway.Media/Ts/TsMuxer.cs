using System.Buffers;

namespace StreamGateway.Media.Ts;

/// <summary>
/// Writes one program of MPEG-TS (ISO/IEC 13818-1) with up to one video and one audio elementary stream: the PAT and
/// PMT (§2.4.4), PES packets (§2.4.3.6) cut into 188-byte transport packets (§2.4.3.2) with per-PID continuity
/// counters, PCRs and random access flags in the adaptation field, and stuffing in the adaptation field of a PES's
/// last packet. Times are 90 kHz; they are written modulo 2^33 as the fields hold. Pure: bytes go to the writer given.
/// </summary>
public sealed class TsMuxer
{
    public const int PacketSize = 188;
    public const int PatPid = 0;
    public const int PmtPid = 0x1000;
    public const int VideoPid = 0x100;
    public const int AudioPid = 0x101;

    /// <summary>ISO/IEC 13818-7 ADTS AAC (table 2-34).</summary>
    public const byte AdtsAacStreamType = 0x0F;

    private const long TimeMask = (1L << 33) - 1;
    private const int ProgramNumber = 1;
    private const int TransportStreamId = 1;

    private readonly TsVideoCodec? _video;
    private readonly bool _audio;
    private readonly int _pcrPid;
    private readonly byte[] _pat;
    private readonly byte[] _pmt;
    private byte _patCounter, _pmtCounter, _videoCounter, _audioCounter;

    public TsMuxer(TsVideoCodec? video, bool audio)
    {
        if (video is null && !audio)
        {
            throw new ArgumentException("a program needs video or audio", nameof(audio));
        }
        _video = video;
        _audio = audio;
        _pcrPid = video is null ? AudioPid : VideoPid;
        _pat = Pat();
        _pmt = Pmt();
    }

    /// <summary>The output; the segmenter points it at each segment in turn. Counters carry on across outputs.</summary>
    public IBufferWriter<byte>? Output { get; set; }

    /// <summary>Transport packets written since <see cref="ResetCount"/>.</summary>
    public long Packets { get; private set; }

    public void ResetCount() => Packets = 0;

    /// <summary>The PAT and then the PMT, each in one packet.</summary>
    public void WriteTables()
    {
        WriteSection(PatPid, _pat, ref _patCounter);
        WriteSection(PmtPid, _pmt, ref _pmtCounter);
    }

    /// <summary>One video access unit as one PES packet, with PES_packet_length 0 (allowed for video, §2.4.3.7).</summary>
    /// <param name="pcr">The PCR base (90 kHz) to send in the first packet, or null.</param>
    public void WriteVideo(ReadOnlySpan<byte> accessUnit, long pts, long dts, bool randomAccess, long? pcr)
    {
        Span<byte> header = stackalloc byte[19];
        var length = PesHeader(header, 0xE0, pts, dts, 0);
        WritePes(VideoPid, ref _videoCounter, header[..length], accessUnit, randomAccess, pcr);
    }

    /// <summary>ADTS frames as one PES packet whose PTS is the first frame's.</summary>
    public void WriteAudio(ReadOnlySpan<byte> adtsFrames, long pts, bool randomAccess, long? pcr)
    {
        Span<byte> header = stackalloc byte[19];
        var length = PesHeader(header, 0xC0, pts, pts, adtsFrames.Length);
        WritePes(AudioPid, ref _audioCounter, header[..length], adtsFrames, randomAccess, pcr);
    }

    /// <summary>A packet on the PCR PID with only an adaptation field: the PCR, then stuffing (no payload, so the counter stays).</summary>
    public void WritePcr(long pcr)
    {
        var pid = _pcrPid;
        var packet = Next();
        packet[0] = 0x47;
        packet[1] = (byte)(pid >> 8);
        packet[2] = (byte)pid;
        // The counter of a packet without payload repeats the previous packet's value, which is the next value less one.
        packet[3] = (byte)(0x20 | ((pid == VideoPid ? _videoCounter : _audioCounter) + 15) % 16);
        WriteAdaptation(packet, PacketSize - 4, randomAccess: false, pcr);
        Commit();
    }

    /// <summary>
    /// The PES header (§2.4.3.6): start code prefix, stream_id, PES_packet_length (0 = unbounded when the packet
    /// would not fit 16 bits, or for video), '10' and no scrambling/priority/alignment/copyright flags, then
    /// PTS_DTS_flags '10' (PTS) or '11' (PTS and DTS, only when they differ), header data length, and the times.
    /// </summary>
    /// <returns>The header's length: 14 or 19 bytes.</returns>
    public static int PesHeader(Span<byte> header, byte streamId, long pts, long dts, int payloadLength)
    {
        var withDts = pts != dts;
        var dataLength = withDts ? 10 : 5;
        header[0] = 0;
        header[1] = 0;
        header[2] = 1;
        header[3] = streamId;
        var pesLength = payloadLength == 0 ? 0 : 3 + dataLength + payloadLength;
        if (pesLength > 0xFFFF)
        {
            pesLength = 0;
        }
        header[4] = (byte)(pesLength >> 8);
        header[5] = (byte)pesLength;
        header[6] = 0x80;
        header[7] = (byte)(withDts ? 0xC0 : 0x80);
        header[8] = (byte)dataLength;
        WriteTimestamp(header[9..], withDts ? 0b0011 : 0b0010, pts);
        if (withDts)
        {
            WriteTimestamp(header[14..], 0b0001, dts);
        }
        return 9 + dataLength;
    }

    /// <summary>A 33-bit time in 5 bytes: 4-bit prefix, bits 32..30, marker, bits 29..15, marker, bits 14..0, marker.</summary>
    public static void WriteTimestamp(Span<byte> field, int prefix, long time)
    {
        var t = time & TimeMask;
        field[0] = (byte)((prefix << 4) | (int)((t >> 29) & 0x0E) | 1);
        field[1] = (byte)(t >> 22);
        field[2] = (byte)(((t >> 14) & 0xFE) | 1);
        field[3] = (byte)(t >> 7);
        field[4] = (byte)(((t << 1) & 0xFE) | 1);
    }

    private void WritePes(int pid, ref byte counter, ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload, bool randomAccess, long? pcr)
    {
        var first = true;
        var total = header.Length + payload.Length;
        var done = 0;
        while (done < total)
        {
            var packet = Next();
            var adaptation = first && (randomAccess || pcr is not null);
            var adaptationBytes = adaptation ? 2 + (pcr is not null ? 6 : 0) : 0; // length byte, flags byte, PCR
            var room = PacketSize - 4 - adaptationBytes;
            var take = Math.Min(room, total - done);
            var stuffing = room - take;
            if (stuffing > 0 && !adaptation)
            {
                adaptation = true;
                adaptationBytes = stuffing;
                stuffing = 0;
            }
            else
            {
                adaptationBytes += stuffing;
            }
            packet[0] = 0x47;
            packet[1] = (byte)((first ? 0x40 : 0) | (pid >> 8));
            packet[2] = (byte)pid;
            packet[3] = (byte)((adaptation ? 0x30 : 0x10) | counter);
            counter = (byte)((counter + 1) & 0x0F);
            var at = 4;
            if (adaptation)
            {
                at = WriteAdaptation(packet, adaptationBytes, first && randomAccess, first ? pcr : null);
            }
            // The payload continues across the PES header and the elementary stream bytes.
            var span = packet[at..];
            while (!span.IsEmpty)
            {
                var source = done < header.Length ? header[done..] : payload[(done - header.Length)..];
                var n = Math.Min(source.Length, span.Length);
                source[..n].CopyTo(span);
                span = span[n..];
                done += n;
            }
            Commit();
            first = false;
        }
    }

    /// <summary>
    /// The adaptation field (§2.4.3.4) filling <paramref name="bytes"/> bytes after the 4-byte header: its length, then
    /// (if there is room for it) the flags with random_access_indicator and PCR_flag, the PCR, and 0xFF stuffing.
    /// </summary>
    /// <returns>Where the payload starts.</returns>
    private static int WriteAdaptation(Span<byte> packet, int bytes, bool randomAccess, long? pcr)
    {
        packet[4] = (byte)(bytes - 1);
        if (bytes == 1)
        {
            return 5;
        }
        packet[5] = (byte)((randomAccess ? 0x40 : 0) | (pcr is not null ? 0x10 : 0));
        var at = 6;
        if (pcr is { } value)
        {
            // program_clock_reference_base (33 bits), 6 reserved bits, program_clock_reference_extension (9 bits, 0 here).
            var b = value & TimeMask;
            packet[6] = (byte)(b >> 25);
            packet[7] = (byte)(b >> 17);
            packet[8] = (byte)(b >> 9);
            packet[9] = (byte)(b >> 1);
            packet[10] = (byte)(((b & 1) << 7) | 0x7E);
            packet[11] = 0;
            at = 12;
        }
        packet[at..(4 + bytes)].Fill(0xFF);
        return 4 + bytes;
    }

    private void WriteSection(int pid, byte[] section, ref byte counter)
    {
        var packet = Next();
        packet[0] = 0x47;
        packet[1] = (byte)(0x40 | (pid >> 8));
        packet[2] = (byte)pid;
        packet[3] = (byte)(0x10 | counter);
        counter = (byte)((counter + 1) & 0x0F);
        packet[4] = 0; // pointer_field: the section starts right away
        section.CopyTo(packet[5..]);
        packet[(5 + section.Length)..].Fill(0xFF);
        Commit();
    }

    private Span<byte> Next()
    {
        var output = Output ?? throw new InvalidOperationException("the muxer has no output");
        return output.GetSpan(PacketSize)[..PacketSize];
    }

    private void Commit()
    {
        Output!.Advance(PacketSize);
        Packets++;
    }

    /// <summary>program_association_section (§2.4.4.3): one program, number 1, whose PMT is on <see cref="PmtPid"/>.</summary>
    private static byte[] Pat()
    {
        byte[] body = [ProgramNumber >> 8, ProgramNumber & 0xFF, 0xE0 | (PmtPid >> 8), PmtPid & 0xFF];
        return Section(0x00, TransportStreamId, body);
    }

    /// <summary>TS_program_map_section (§2.4.4.8): PCR_PID, no program descriptors, then each stream's type and PID.</summary>
    private byte[] Pmt()
    {
        var body = new List<byte> { (byte)(0xE0 | (_pcrPid >> 8)), (byte)_pcrPid, 0xF0, 0x00 };
        if (_video is { } video)
        {
            body.AddRange([(byte)video, 0xE0 | (VideoPid >> 8), VideoPid & 0xFF, 0xF0, 0x00]);
        }
        if (_audio)
        {
            body.AddRange([AdtsAacStreamType, 0xE0 | (AudioPid >> 8), AudioPid & 0xFF, 0xF0, 0x00]);
        }
        return Section(0x02, ProgramNumber, body.ToArray());
    }

    /// <summary>
    /// A long-form PSI section: table_id, section_syntax_indicator 1 with section_length, the 16-bit id, version 0 and
    /// current_next_indicator 1, section numbers 0 of 0, the body, and the CRC_32.
    /// </summary>
    internal static byte[] Section(byte tableId, int id, byte[] body)
    {
        var sectionLength = 5 + body.Length + 4;
        var section = new byte[3 + sectionLength];
        section[0] = tableId;
        section[1] = (byte)(0xB0 | (sectionLength >> 8));
        section[2] = (byte)sectionLength;
        section[3] = (byte)(id >> 8);
        section[4] = (byte)id;
        section[5] = 0xC1;
        section[6] = 0;
        section[7] = 0;
        body.CopyTo(section, 8);
        var crc = Crc32Mpeg2.Compute(section.AsSpan(0, section.Length - 4));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(section.AsSpan(section.Length - 4), crc);
        return section;
    }
}
