using System.Buffers;
using System.Buffers.Binary;

namespace StreamGateway.Media.Rtmp;

/// <summary>
/// Reassembles RTMP messages from the chunk stream (RTMP spec 5.3). Pure: it takes bytes and returns
/// messages, with no I/O. Set Chunk Size (type 1) and Abort (type 2) change how chunks are read, so they
/// are applied here before they are returned. Memory is bounded by the peer's bytes, not by what it declares: a
/// message buffer grows as its bytes arrive, the bytes of unfinished messages across all chunk streams are capped by
/// <c>maxPendingBytes</c>, and an abandoned message gives its buffer back.
/// </summary>
internal sealed class RtmpChunkReader(int maxChunkSize, int maxMessageLength, int maxChunkStreams, long maxPendingBytes) : IDisposable
{
    /// <summary>Spec 5.4.1: the chunk size is 128 until the peer sends Set Chunk Size.</summary>
    public const int DefaultChunkSize = 128;

    private const uint TimestampFieldMax = 0xFFFFFF;

    private readonly Dictionary<int, ChunkStream> _streams = [];
    private ChunkStream? _lastDelivered;
    private long _pendingBytes;

    public int ChunkSize { get; private set; } = DefaultChunkSize;

    /// <summary>True while some chunk stream holds part of a message.</summary>
    public bool HasPartialMessage => _pendingBytes > 0;

    /// <summary>Bytes of message buffers this reader holds now, the last delivered message's included.</summary>
    internal long BufferedBytes => _streams.Values.Sum(s => (long)s.Payload.Length);

    /// <summary>
    /// Consumes whole chunks from <paramref name="buffer"/> until one completes a message. Returns false when the
    /// next chunk is not complete yet; <paramref name="buffer"/> then starts at that chunk, untouched, so the
    /// caller can wait for more bytes. The message payload stays valid until the next call.
    /// </summary>
    /// <exception cref="RtmpProtocolException">The bytes break the protocol or a limit.</exception>
    public bool TryReadMessage(ref ReadOnlySequence<byte> buffer, out RtmpMessage message)
    {
        ReleaseDelivered();
        while (true)
        {
            var reader = new SequenceReader<byte>(buffer);
            if (!TryReadChunk(ref reader, out var completed))
            {
                message = default;
                return false;
            }

            buffer = buffer.Slice(reader.Position);
            if (completed is null)
            {
                continue;
            }

            message = new RtmpMessage(completed.Id, completed.TypeId, completed.StreamId, completed.Timestamp,
                completed.Payload.AsMemory(0, completed.Length));
            _lastDelivered = completed;

            if (message.TypeId == RtmpMessageType.SetChunkSize)
            {
                ApplySetChunkSize(message.Payload.Span);
            }
            else if (message.TypeId == RtmpMessageType.Abort)
            {
                ApplyAbort(message.Payload.Span);
            }

            return true;
        }
    }

    public void Dispose()
    {
        foreach (var stream in _streams.Values)
        {
            stream.ReturnBuffer();
        }

        _streams.Clear();
        _lastDelivered = null;
    }

    private bool TryReadChunk(ref SequenceReader<byte> reader, out ChunkStream? completed)
    {
        completed = null;

        // Basic header (5.3.1.1): fmt in the top 2 bits; csid 2..63 inline, 0 → one more byte (64..319),
        // 1 → two more bytes, little-endian (64..65599).
        if (!reader.TryRead(out var first))
        {
            return false;
        }

        var fmt = first >> 6;
        var csid = first & 0x3F;
        if (csid == 0)
        {
            if (!reader.TryRead(out var b1))
            {
                return false;
            }

            csid = 64 + b1;
        }
        else if (csid == 1)
        {
            if (!reader.TryRead(out var b1) || !reader.TryRead(out var b2))
            {
                return false;
            }

            csid = 64 + b1 + (b2 << 8);
        }

        _streams.TryGetValue(csid, out var state);
        if (state is null)
        {
            // Types 1-3 reuse fields of the previous chunk on this csid; without one they are meaningless.
            if (fmt != 0)
            {
                throw new RtmpProtocolException($"chunk type {fmt} on a new chunk stream");
            }

            if (_streams.Count >= maxChunkStreams)
            {
                throw new RtmpProtocolException("too many chunk streams");
            }
        }

        // Message header (5.3.1.2): type 0 = 11 bytes, 1 = 7, 2 = 3, 3 = none.
        uint timestampField = 0;
        var length = state?.Length ?? 0;
        var typeId = state?.TypeId ?? 0;
        var streamId = state?.StreamId ?? 0;
        if (fmt <= 2)
        {
            if (!TryReadUInt24(ref reader, out timestampField))
            {
                return false;
            }
        }

        if (fmt <= 1)
        {
            if (!TryReadUInt24(ref reader, out var len) || !reader.TryRead(out typeId))
            {
                return false;
            }

            length = (int)len;
        }

        if (fmt == 0)
        {
            // 5.3.1.2.1: the message stream id is stored little-endian.
            if (!reader.TryReadLittleEndian(out int sid))
            {
                return false;
            }

            streamId = (uint)sid;
        }

        // Extended timestamp (5.3.1.3): present when the 24-bit field is 0xFFFFFF; a type 3 chunk carries it
        // when the last type 0/1/2 header on its chunk stream did.
        var extended = fmt <= 2 ? timestampField == TimestampFieldMax : state!.ExtendedTimestamp;
        uint extendedValue = 0;
        if (extended)
        {
            if (!reader.TryReadBigEndian(out int ext))
            {
                return false;
            }

            extendedValue = (uint)ext;
        }

        var continuing = fmt == 3 && state!.Received > 0;
        if (!continuing && length > maxMessageLength)
        {
            throw new RtmpProtocolException($"message length {length} above the limit");
        }

        var received = continuing ? state!.Received : 0;
        var chunkPayload = Math.Min(ChunkSize, length - received);
        if (reader.Remaining < chunkPayload)
        {
            return false;
        }

        // The whole chunk is here: commit it to the chunk stream state.
        if (state is null)
        {
            state = new ChunkStream(csid);
            _streams.Add(csid, state);
        }

        if (!continuing)
        {
            StartMessage(state, fmt, timestampField, extended, extendedValue, length, typeId, streamId);
        }

        if (chunkPayload > 0)
        {
            _pendingBytes += chunkPayload;
            if (_pendingBytes > maxPendingBytes)
            {
                throw new RtmpProtocolException($"more than {maxPendingBytes} bytes in unfinished messages");
            }

            state.Append(reader.UnreadSequence.Slice(0, chunkPayload));
            reader.Advance(chunkPayload);
        }

        if (state.Received == state.Length)
        {
            _pendingBytes -= state.Received;
            state.Received = 0;
            completed = state;
        }

        return true;
    }

    private void StartMessage(ChunkStream state, int fmt, uint timestampField, bool extended, uint extendedValue,
        int length, byte typeId, uint streamId)
    {
        // A new header while a message is unfinished on this csid: the old message is abandoned, and so is its
        // buffer, else a peer could park a large buffer on every chunk stream while its unfinished bytes stay few.
        if (state.Received > 0)
        {
            _pendingBytes -= state.Received;
            state.Received = 0;
            state.ReturnBuffer();
        }

        var field = extended ? extendedValue : timestampField;
        switch (fmt)
        {
            case 0:
                // 5.3.1.2.1: absolute timestamp. 5.3.1.2.4: a type 3 chunk after a type 0 chunk uses the type 0
                // timestamp as its delta, so it is kept as the delta too.
                state.Timestamp = field;
                state.Delta = field;
                state.ExtendedTimestamp = extended;
                break;
            case 1 or 2:
                state.Delta = field;
                state.Timestamp = unchecked(state.Timestamp + field);
                state.ExtendedTimestamp = extended;
                break;
            default:
                // 5.3.1.2.4: a type 3 chunk starting a message repeats the previous delta (carried again in the
                // extended field when that is in use).
                if (extended)
                {
                    state.Delta = extendedValue;
                }

                state.Timestamp = unchecked(state.Timestamp + state.Delta);
                break;
        }

        state.Length = length;
        state.TypeId = typeId;
        state.StreamId = streamId;
        state.EnsureCapacity(Math.Min(length, Math.Max(ChunkSize, 4096)));
    }

    // 5.4.1: 31-bit chunk size, top bit must be zero.
    private void ApplySetChunkSize(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 4)
        {
            throw new RtmpProtocolException("short Set Chunk Size");
        }

        var size = BinaryPrimitives.ReadUInt32BigEndian(payload);
        if (size is 0 or > 0x7FFFFFFF || size > (uint)maxChunkSize)
        {
            throw new RtmpProtocolException($"chunk size {size} out of range");
        }

        ChunkSize = (int)size;
    }

    // 5.4.2: discard the partly received message on the given chunk stream.
    private void ApplyAbort(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 4)
        {
            throw new RtmpProtocolException("short Abort Message");
        }

        var csid = BinaryPrimitives.ReadUInt32BigEndian(payload);
        if (csid <= int.MaxValue && _streams.TryGetValue((int)csid, out var state) && state.Received > 0)
        {
            _pendingBytes -= state.Received;
            state.Received = 0;
            state.ReturnBuffer();
        }
    }

    private void ReleaseDelivered()
    {
        _lastDelivered?.ReturnBuffer();
        _lastDelivered = null;
    }

    private static bool TryReadUInt24(ref SequenceReader<byte> reader, out uint value)
    {
        value = 0;
        Span<byte> bytes = stackalloc byte[3];
        if (!reader.TryCopyTo(bytes))
        {
            return false;
        }

        reader.Advance(3);
        value = (uint)((bytes[0] << 16) | (bytes[1] << 8) | bytes[2]);
        return true;
    }

    /// <summary>Per chunk stream id: the last header fields (for types 1-3) and the message being assembled.</summary>
    private sealed class ChunkStream(int id)
    {
        public int Id { get; } = id;

        public uint Timestamp { get; set; }

        public uint Delta { get; set; }

        public bool ExtendedTimestamp { get; set; }

        public int Length { get; set; }

        public byte TypeId { get; set; }

        public uint StreamId { get; set; }

        public int Received { get; set; }

        /// <summary>Rented; grows as bytes arrive so a declared length costs nothing until it is sent.</summary>
        public byte[] Payload { get; private set; } = [];

        public void EnsureCapacity(int capacity)
        {
            if (Payload.Length >= capacity)
            {
                return;
            }

            var bigger = ArrayPool<byte>.Shared.Rent(capacity);
            Payload.AsSpan(0, Received).CopyTo(bigger);
            ReturnBuffer();
            Payload = bigger;
        }

        public void Append(ReadOnlySequence<byte> bytes)
        {
            var needed = Received + (int)bytes.Length;
            if (needed > Payload.Length)
            {
                EnsureCapacity(Math.Min(Length, Math.Max(needed, Payload.Length * 2)));
            }

            bytes.CopyTo(Payload.AsSpan(Received));
            Received = needed;
        }

        public void ReturnBuffer()
        {
            if (Payload.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(Payload);
                Payload = [];
            }
        }
    }
}
