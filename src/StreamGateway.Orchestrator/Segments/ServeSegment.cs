using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Network.Transport;
using StreamGateway.Network.Wire;
using StreamGateway.Orchestrator.Discovery;
using StreamGateway.Orchestrator.Sessions;
using StreamGateway.Orchestrator.Transcoding;

namespace StreamGateway.Orchestrator.Segments;

/// <summary>
/// <c>POST /segment</c> in go-O's order (livepeer-wire §3.2): credentials, capacity, payment, body hash, then the 200
/// headers are flushed at once (B's upload timeout runs until they arrive) and the TranscodeResult follows as the body.
/// The body is streamed to disk under <see cref="OrchestratorOptions.MaxSegmentBytes"/>.
/// </summary>
public sealed class ServeSegment(
    AuthTokens tokens,
    SessionCapacity sessions,
    RenditionStore store,
    Transcoders.SegmentWork work,
    OrchestratorInfoFactory infos,
    Payments.TicketIssuer tickets,
    Payments.PaymentLedger ledger,
    IOptions<Payments.PaymentOptions> payments,
    IOptions<OrchestratorOptions> options,
    Chain.OrchestratorAccount account,
    ILogger<ServeSegment> logger)
{
    private const int DefaultDurationMs = 2000;
    private const int MinRenditionBytes = 25;
    private const int MaxDurationMs = 300_000;

    // Test only (Misbehaviour.RefusePayment): the sessions whose first segment was served.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _servedOnce = new();

    private bool RefusesOnPurpose(string sessionId) =>
        options.Value.Misbehave == Misbehaviour.RefusePayment && !_servedOnce.TryAdd(sessionId, true);

    public async Task HandleAsync(HttpContext http)
    {
        var received = Stopwatch.GetTimestamp();
        if (!LivepeerHeaders.TryDecode(http.Request.Headers[LivepeerHeaders.Payment], Payment.Parser, out var payment, out var paymentError))
        {
            await RefuseAsync(http, StatusCodes.Status402PaymentRequired, paymentError);
            return;
        }
        if (!LivepeerHeaders.TryDecode(http.Request.Headers[LivepeerHeaders.Segment], SegData.Parser, out var segment, out var decodeError))
        {
            await RefuseAsync(http, StatusCodes.Status403Forbidden, decodeError);
            return;
        }
        if (Refusal(http, segment, payment) is { } refusal)
        {
            await RefuseAsync(http, StatusCodes.Status403Forbidden, refusal);
            return;
        }
        var (ladder, profileError) = SegmentProfiles.ToLadder(SegmentProfiles.Requested(segment));
        if (ladder is null)
        {
            await RefuseAsync(http, StatusCodes.Status403Forbidden, profileError!);
            return;
        }
        var limit = options.Value.MaxSegmentBytes;
        if (http.Request.ContentLength > limit)
        {
            await RefuseAsync(http, StatusCodes.Status413PayloadTooLarge, TooLarge(limit));
            return;
        }
        // Before the payment only a look, so a broadcaster that cannot be served keeps its tickets.
        var sessionId = segment.AuthToken.SessionId;
        if (!sessions.HasRoom(sessionId))
        {
            await RefuseAsync(http, StatusCodes.Status403Forbidden, SessionCapacity.CappedError);
            return;
        }

        if (tickets.Enabled)
        {
            // go-O's steps 4 and 5: check and credit the tickets, then require credit for at least one ticket's worth.
            if ((payment.TicketParams is null ? null : await tickets.ProblemAsync(payment.Sender.Memory)) is { } senderError)
            {
                await RefuseAsync(http, StatusCodes.Status400BadRequest, senderError);
                return;
            }
            if (ledger.Process(payment, sessionId) is { } ticketError)
            {
                await RefuseAsync(http, StatusCodes.Status400BadRequest, ticketError);
                return;
            }
            if (!ledger.Sufficient(payment.Sender.Span, sessionId, payments.Value.TicketEv) || RefusesOnPurpose(sessionId))
            {
                await RefuseAsync(http, StatusCodes.Status400BadRequest, "Insufficient balance");
                return;
            }
        }
        // Only now, paid for, does the session take a slot.
        if (!sessions.TryUse(sessionId))
        {
            await RefuseAsync(http, StatusCodes.Status403Forbidden, SessionCapacity.CappedError);
            return;
        }

        // The limit is ours to enforce with a reason (a body without Content-Length is counted as it comes).
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = null;
        }
        var source = store.SourcePathFor(sessionId, segment.Seq);
        var checkedAt = Stopwatch.GetTimestamp();
        var hash = await SegmentBody.SaveAsync(http.Request.Body, source, limit, http.RequestAborted);
        if (hash is null)
        {
            await RefuseAsync(http, StatusCodes.Status413PayloadTooLarge, TooLarge(limit));
            return;
        }
        if (!segment.Hash.IsEmpty && !segment.Hash.Span.SequenceEqual(hash))
        {
            File.Delete(source);
            await RefuseAsync(http, StatusCodes.Status403Forbidden, "Forbidden");
            return;
        }

        var savedAt = Stopwatch.GetTimestamp();
        http.Response.StatusCode = StatusCodes.Status200OK;
        await http.Response.StartAsync(http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);

        var result = new TranscodeResult
        {
            Seq = segment.Seq,
            // go-O refreshes everything but keeps the segment's own token, so B's session goes on (livepeer-wire §1.4).
            Info = infos.Create(segment.AuthToken, payment.Sender.Span),
        };
        try
        {
            var duration = TimeSpan.FromMilliseconds(segment.Duration == 0 ? DefaultDurationMs : segment.Duration);
            var timeout = TimeSpan.FromSeconds(Math.Max(30, 4 * duration.TotalSeconds));
            var outputs = ladder.Select(p => (p, store.PathFor(sessionId, p.Name, segment.Seq))).ToList();
            var started = Stopwatch.GetTimestamp();
            var renditions = await work.TranscodeAsync(sessionId, segment, source, outputs, timeout, http.RequestAborted);
            OrchestratorMetrics.TranscodeDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            OrchestratorMetrics.Segments.Add(1, OrchestratorMetrics.Tag("outcome", "transcoded"));
            // go-O's floor: a rendition of under 25 bytes holds no media.
            if (renditions.Any(r => new FileInfo(r.Path).Length < MinRenditionBytes))
            {
                throw new InvalidDataException("ZeroSegments");
            }
            var data = new TranscodeData();
            data.Segments.AddRange(renditions.Select(r => new TranscodedSegmentData
            {
                Url = store.UrlFor(sessionId, r.Profile.Name, segment.Seq).ToString(),
                Pixels = r.Pixels,
            }));
            // On chain the results are signed over the files as they will be served (an on-chain go-B checks it).
            if (account.SignResults(renditions.Select(r => r.Path)) is { } sig)
            {
                data.Sig = ByteString.CopyFrom(sig);
            }
            result.Data = data;
            if (tickets.Enabled)
            {
                var (num, den) = tickets.Price;
                ledger.Debit(payment.Sender.Span, sessionId, renditions.Aggregate(System.Numerics.BigInteger.Zero, (sum, r) => sum + r.Pixels) * num / den);
            }
        }
        catch (Exception e) when (e is FfmpegException or InvalidDataException or System.Text.Json.JsonException or IOException or TimeoutException)
        {
            logger.LogWarning(e, "Transcoding segment {Seq} of session {Session} failed", segment.Seq, sessionId);
            OrchestratorMetrics.Segments.Add(1, OrchestratorMetrics.Tag("outcome", "failed"));
            result.Error = e.Message;
        }
        finally
        {
            File.Delete(source);
        }
        var transcodedAt = Stopwatch.GetTimestamp();
        await http.Response.Body.WriteAsync(result.ToByteArray(), http.RequestAborted);
        // Where a segment's time goes, for the benchmark's breakdown (BENCHMARKS.md): the rest is ffmpeg's.
        logger.LogDebug("Segment {Seq} of session {Session}: checks {Checks:0.0} ms, body {Body:0.0} ms, transcode {Transcode:0.0} ms, answer {Answer:0.0} ms",
            segment.Seq, sessionId, Stopwatch.GetElapsedTime(received, checkedAt).TotalMilliseconds, Stopwatch.GetElapsedTime(checkedAt, savedAt).TotalMilliseconds,
            Stopwatch.GetElapsedTime(savedAt, transcodedAt).TotalMilliseconds, Stopwatch.GetElapsedTime(transcodedAt).TotalMilliseconds);
    }

    /// <summary>
    /// go-O's verifySegCreds checks, in its order. The segment signature is checked against Payment.sender when the
    /// broadcaster names itself; without a sender (an offchain broadcaster) there is nobody to check it against.
    /// </summary>
    private string? Refusal(HttpContext http, SegData segment, Payment payment)
    {
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) ||
            !type.MediaType.Equals(LivepeerHeaders.SegmentBytesContentType, StringComparison.OrdinalIgnoreCase))
        {
            return $"unsupported content type {http.Request.ContentType}; send the segment bytes as {LivepeerHeaders.SegmentBytesContentType}";
        }
        if (segment.Duration < 0 || segment.Duration > MaxDurationMs)
        {
            return "invalid duration";
        }
        if (!payment.Sender.IsEmpty && !BroadcasterIdentity.Verify(payment.Sender.Span,
                BroadcasterIdentity.SegmentMessage(segment.ManifestId.Span, segment.Seq, segment.Hash.Span, SegmentProfiles.Requested(segment).Select(p => p.Name)),
                segment.Sig.Span))
        {
            return "ErrSegSig";
        }
        if (!OrchestratorCapabilities.Covers(segment.Capabilities))
        {
            return "incompatible capabilities";
        }
        return tokens.Check(segment.AuthToken);
    }

    private static string TooLarge(long limit) => string.Create(CultureInfo.InvariantCulture, $"segment too large: more than {limit} bytes");

    /// <summary>go-O answers every error with Go's http.Error: text/plain, message and a newline.</summary>
    private static Task RefuseAsync(HttpContext http, int status, string message)
    {
        OrchestratorMetrics.Segments.Add(1, OrchestratorMetrics.Tag("outcome", "refused"));
        http.Response.StatusCode = status;
        http.Response.ContentType = LivepeerHeaders.ErrorContentType;
        return http.Response.WriteAsync(message + "\n", http.RequestAborted);
    }
}
