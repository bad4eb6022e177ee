using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;

namespace StreamGateway.Media.Rtmp;

/// <summary>
/// Server side of one RTMP publishing connection: handshake, chunk stream and publish commands over a duplex
/// pipe (a socket wrapped by the caller, or an in-memory pipe in tests).
/// </summary>
public sealed class RtmpServerConnection
{
    private readonly RtmpServerOptions _options;
    private readonly Action<string>? _log;

    /// <param name="options">Limits and settings; validated on each <see cref="RunAsync"/>.</param>
    /// <param name="log">Receives one-line diagnostics. They never contain the stream name (a secret key).</param>
    public RtmpServerConnection(RtmpServerOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _log = log;
    }

    /// <summary>
    /// Runs handshake and protocol until the peer leaves, breaks the protocol, goes idle, misses the publish
    /// deadline, or <paramref name="ct"/> is cancelled. <paramref name="authorize"/> is called once, on
    /// <c>publish</c>: null answers NetStream.Publish.BadName and closes; a sink answers NetStream.Publish.Start and
    /// receives the media. Peer misbehaviour never throws: the connection just ends, and the result says why. When
    /// this returns, both ends of <paramref name="transport"/> have been completed and the sink (if any) completed
    /// exactly once.
    /// </summary>
    public async Task<RtmpConnectionEnd> RunAsync(
        IDuplexPipe transport,
        Func<RtmpPublishRequest, CancellationToken, ValueTask<IRtmpPublishSink?>> authorize,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(authorize);
        _options.Validate();

        using var deadline = new IoDeadline(_options.PublishTimeout, ct);
        var writer = new RtmpMessageWriter(transport.Output);
        var session = new RtmpPublishSession(_options, writer, authorize, _log);
        RtmpConnectionEnd end;
        try
        {
            end = new RtmpConnectionEnd(await RunProtocolAsync(transport.Input, writer, session, deadline, ct), Dropped: false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            end = new RtmpConnectionEnd("cancelled", Dropped: false);
        }
        catch (OperationCanceledException) when (deadline.Expired)
        {
            end = new RtmpConnectionEnd(deadline.What, Dropped: true);
        }
        catch (RtmpProtocolException ex)
        {
            end = new RtmpConnectionEnd("protocol error: " + ex.Message, Dropped: true);
        }
        catch (FormatException)
        {
            end = new RtmpConnectionEnd("protocol error: malformed AMF0 command", Dropped: true);
        }
        catch (IOException)
        {
            end = new RtmpConnectionEnd("connection lost", Dropped: false);
        }
        catch (Exception ex)
        {
            // A bug of ours or of the sink must not take the process down with it; the connection just ends.
            _log?.Invoke($"RTMP unexpected error {ex.GetType().Name}: {ex.Message}");
            end = new RtmpConnectionEnd("internal error", Dropped: false);
        }

        _log?.Invoke($"RTMP connection closed: {end.Reason}");
        await session.CompleteSinkAsync(end.Reason);
        await CompleteQuietlyAsync(transport);
        return end;
    }

    private async Task<string> RunProtocolAsync(PipeReader input, RtmpMessageWriter writer, RtmpPublishSession session,
        IoDeadline deadline, CancellationToken ct)
    {
        deadline.Arm(_options.HandshakeTimeout, "handshake");
        var c1 = await ReadC0C1Async(input, deadline.Token);
        if (c1 is null)
        {
            return "peer closed during handshake";
        }

        writer.WriteRaw(RtmpHandshake.CreateResponse(c1, unchecked((uint)Environment.TickCount64)));
        if (!await writer.FlushAsync(deadline.Token) || !await SkipAsync(input, RtmpHandshake.PacketSize, deadline.Token))
        {
            return "peer closed during handshake";
        }

        deadline.Disarm();

        using var chunks = new RtmpChunkReader(_options.MaxChunkSize, _options.MaxMessageLength, _options.MaxChunkStreams,
            _options.MaxPendingBytes);
        long received = 0;
        long acknowledged = 0;
        string? closing = null;
        while (closing is null)
        {
            deadline.Arm(_options.IdleTimeout, "idle");
            var result = await input.ReadAsync(deadline.Token);
            deadline.Disarm();
            if (result.IsCanceled)
            {
                // Someone called CancelPendingRead on the transport: the host wants this connection to stop.
                return "cancelled";
            }

            var buffer = result.Buffer;
            var before = buffer.Length;
            try
            {
                while (chunks.TryReadMessage(ref buffer, out var message))
                {
                    var keepOpen = await session.HandleAsync(message, ct);
                    if (session.HasPublished)
                    {
                        deadline.Published();
                    }

                    if (writer.HasPending && !await FlushAsync(writer, deadline))
                    {
                        return "peer closed";
                    }

                    if (!keepOpen)
                    {
                        closing = session.CloseReason;
                        break;
                    }
                }
            }
            finally
            {
                // Whole chunks were consumed; a partial chunk stays in the pipe until more bytes arrive, so the
                // pipe never holds more than one chunk (bounded by MaxChunkSize).
                input.AdvanceTo(buffer.Start, buffer.End);
            }

            if (closing is not null)
            {
                if (session.Lingers)
                {
                    await LingerAsync(input, ct);
                }
                break;
            }

            // Spec 5.4.3: acknowledge once a window of bytes has arrived since the last acknowledgement.
            received += before - buffer.Length;
            if (received - acknowledged >= session.AckWindow)
            {
                acknowledged = received;
                writer.Acknowledgement(unchecked((uint)received));
                if (!await FlushAsync(writer, deadline))
                {
                    return "peer closed";
                }
            }

            if (result.IsCompleted)
            {
                return buffer.IsEmpty && !chunks.HasPartialMessage ? "peer closed" : "peer closed mid-message";
            }
        }
        return closing;
    }

    /// <summary>How long a peer that deleted its stream is given to close the connection itself.</summary>
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(2);

    /// <summary>Reads and drops what the peer still sends until it closes, for at most <see cref="Linger"/>.</summary>
    private static async Task LingerAsync(PipeReader input, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Linger);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(timeout.Token);
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The peer kept the connection open: close it now.
        }
    }

    /// <summary>C0 (version) and C1; null when the peer closes first. A wrong version fails as soon as C0 is in.</summary>
    private static async Task<byte[]?> ReadC0C1Async(PipeReader input, CancellationToken ct)
    {
        while (true)
        {
            var result = await input.ReadAsync(ct);
            var buffer = result.Buffer;
            if (!buffer.IsEmpty && buffer.FirstSpan[0] != RtmpHandshake.Version)
            {
                input.AdvanceTo(buffer.Start);
                throw new RtmpProtocolException($"unsupported RTMP version {buffer.FirstSpan[0]}");
            }

            if (buffer.Length >= 1 + RtmpHandshake.PacketSize)
            {
                var c1 = buffer.Slice(1, RtmpHandshake.PacketSize).ToArray();
                input.AdvanceTo(buffer.GetPosition(1 + RtmpHandshake.PacketSize));
                return c1;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>Consumes C2 without checking it: the simple handshake has nothing in it worth validating.</summary>
    private static async Task<bool> SkipAsync(PipeReader input, long count, CancellationToken ct)
    {
        while (true)
        {
            var result = await input.ReadAsync(ct);
            var buffer = result.Buffer;
            if (buffer.Length >= count)
            {
                input.AdvanceTo(buffer.GetPosition(count));
                return true;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return false;
            }
        }
    }

    /// <summary>A peer that stops reading is as dead as one that stops sending: flushes share the idle timeout.</summary>
    private async Task<bool> FlushAsync(RtmpMessageWriter writer, IoDeadline deadline)
    {
        deadline.Arm(_options.IdleTimeout, "write");
        var flushed = await writer.FlushAsync(deadline.Token);
        deadline.Disarm();
        return flushed;
    }

    private static async Task CompleteQuietlyAsync(IDuplexPipe transport)
    {
        try
        {
            await transport.Output.CompleteAsync();
        }
        catch (Exception)
        {
            // The socket is already gone; there is nothing left to tell the peer.
        }

        try
        {
            await transport.Input.CompleteAsync();
        }
        catch (Exception)
        {
        }
    }

    /// <summary>
    /// One cancellation source for all transport I/O, re-armed for each read or flush. Until a publish is accepted,
    /// no wait outlasts the publish deadline, counted from the connection's start: a peer that never publishes is
    /// gone by then however busy it keeps the connection.
    /// </summary>
    private sealed class IoDeadline(TimeSpan publishTimeout, CancellationToken outer) : IDisposable
    {
        private readonly CancellationTokenSource _source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        private readonly long _started = Stopwatch.GetTimestamp();
        private bool _published;

        public CancellationToken Token => _source.Token;

        /// <summary>What the last armed wait was for, as the reason the connection closes when it expires.</summary>
        public string What { get; private set; } = "io timeout";

        public bool Expired => _source.IsCancellationRequested && !outer.IsCancellationRequested;

        public void Published() => _published = true;

        public void Arm(TimeSpan timeout, string what)
        {
            What = what + " timeout";
            if (!_published)
            {
                var left = publishTimeout - Stopwatch.GetElapsedTime(_started);
                if (left <= timeout)
                {
                    What = FormattableString.Invariant($"no publish within {publishTimeout.TotalSeconds:0.#} s");
                    if (left <= TimeSpan.Zero)
                    {
                        _source.Cancel();
                        return;
                    }

                    timeout = left;
                }
            }

            _source.CancelAfter(timeout);
        }

        public void Disarm() => _source.CancelAfter(Timeout.InfiniteTimeSpan);

        public void Dispose() => _source.Dispose();
    }
}
