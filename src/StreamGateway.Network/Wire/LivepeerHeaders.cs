using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;

namespace StreamGateway.Network.Wire;

/// <summary>
/// Names and header encodings of the HTTP <c>/segment</c> exchange between broadcaster and orchestrator
/// (livepeer-wire §3.1, §3.2).
/// </summary>
public static class LivepeerHeaders
{
    /// <summary>Appended to <see cref="OrchestratorInfo.Transcoder"/>; go-O accepts any method there, go-B POSTs.</summary>
    public const string SegmentPath = "/segment";

    /// <summary>Carries the <see cref="SegData"/> as base64 of its binary protobuf.</summary>
    public const string Segment = "Livepeer-Segment";

    /// <summary>Carries the <see cref="Wire.Payment"/> as base64 of its binary protobuf; empty or absent means no payment.</summary>
    public const string Payment = "Livepeer-Payment";

    /// <summary>The body is the raw source segment. go-B sends this type even for MP4 input.</summary>
    public const string SegmentBytesContentType = "video/MP2T";

    /// <summary>
    /// The body is the URL of a segment already uploaded to the orchestrator's own store. go-O compares the
    /// Content-Type with this exact string; anything else is treated as raw segment bytes.
    /// </summary>
    public const string SegmentUriContentType = "application/vnd+livepeer.uri";

    /// <summary>Go's <c>http.Error</c> type, used by go-O for every non-200 answer (body = message + "\n").</summary>
    public const string ErrorContentType = "text/plain; charset=utf-8";

    /// <summary>
    /// Standard base64 (RFC 4648 alphabet with '=' padding, not the URL-safe form) of the binary protobuf,
    /// which is how go-B fills <see cref="Segment"/> and <see cref="Payment"/>.
    /// </summary>
    public static string Encode(IMessage message) => Convert.ToBase64String(message.ToByteArray());

    /// <summary>
    /// Reverses <see cref="Encode"/>. An empty or absent header decodes to an empty message, as at go-O.
    /// </summary>
    /// <exception cref="FormatException">The value is not standard base64.</exception>
    /// <exception cref="InvalidProtocolBufferException">The bytes are not a valid message.</exception>
    public static T Decode<T>(string? headerValue, MessageParser<T> parser)
        where T : IMessage<T> =>
        parser.ParseFrom(string.IsNullOrEmpty(headerValue) ? [] : Convert.FromBase64String(headerValue));

    /// <summary>
    /// <see cref="Decode{T}"/> without exceptions. On failure <paramref name="error"/> starts with go-O's
    /// prefix (<c>base64 decode error: </c> or <c>protobuf unmarshal error: </c>) so an orchestrator can answer
    /// with the same text go-O would.
    /// </summary>
    public static bool TryDecode<T>(
        string? headerValue,
        MessageParser<T> parser,
        [NotNullWhen(true)] out T? message,
        [NotNullWhen(false)] out string? error)
        where T : class, IMessage<T>
    {
        message = null;
        byte[] bytes;
        try
        {
            bytes = string.IsNullOrEmpty(headerValue) ? [] : Convert.FromBase64String(headerValue);
        }
        catch (FormatException e)
        {
            error = "base64 decode error: " + e.Message;
            return false;
        }

        try
        {
            message = parser.ParseFrom(bytes);
            error = null;
            return true;
        }
        catch (InvalidProtocolBufferException e)
        {
            error = "protobuf unmarshal error: " + e.Message;
            return false;
        }
    }
}
