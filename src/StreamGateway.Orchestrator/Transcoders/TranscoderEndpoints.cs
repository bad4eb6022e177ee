using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using StreamGateway.Media.Ts;
using StreamGateway.Orchestrator.Sessions;

namespace StreamGateway.Orchestrator.Transcoders;

/// <summary>
/// The HTTP half of the orchestrator↔transcoder protocol (go-livepeer's): a transcoder fetches the source segment a
/// notice names (<c>GET /stream/{session}/{name}.tempfile</c>, an unguessable name), and posts the result to
/// <c>POST /transcodeResults</c> with <c>Authorization: Livepeer-Transcoder-1.0</c>, the secret in <c>Credentials</c>,
/// the <c>TaskId</c>, and either a <c>multipart/mixed</c> body with one part per rendition in profile order (each with
/// its <c>Pixels</c>) or a <c>livepeer/transcoding-error</c> body with the error.
/// </summary>
public static partial class TranscoderEndpoints
{
    public const string ProtocolVersion = "Livepeer-Transcoder-1.0";
    public const string ErrorContentType = "livepeer/transcoding-error";
    public const string ResultsPath = "/transcodeResults";

    [GeneratedRegex("^[0-9]{1,19}-[0-9a-f]{32}$")]
    private static partial Regex SourceName();

    /// <summary>The URL a transcoder fetches the source at, from where the segment was saved.</summary>
    public static Uri SourceUrl(OrchestratorOptions o, string sessionId, string sourcePath)
    {
        // SourcePathFor names it {session}-{seq}-{guid}.ts; the URL carries {seq}-{guid}.
        var name = Path.GetFileNameWithoutExtension(sourcePath)[(sessionId.Length + 1)..];
        return new Uri(o.ServiceBase, $"stream/{sessionId}/{name}.tempfile");
    }

    public static WebApplication MapTranscoders(this WebApplication app)
    {
        app.MapGet("/stream/{sessionId}/{name}.tempfile", (string sessionId, string name, RenditionStore store) =>
        {
            var path = RenditionStore.IsSafeName(sessionId) && SourceName().IsMatch(name) ? store.IncomingPath($"{sessionId}-{name}.ts") : null;
            return path is not null && File.Exists(path)
                ? Results.File(path, "video/mp2t")
                : Results.Text("404 page not found\n", Network.Wire.LivepeerHeaders.ErrorContentType, statusCode: StatusCodes.Status404NotFound);
        });
        app.MapPost(ResultsPath, ResultsAsync);
        return app;
    }

    private static async Task<IResult> ResultsAsync(HttpContext http, RemoteTranscoders transcoders, IOptions<OrchestratorOptions> options,
        ILoggerFactory logs)
    {
        var o = options.Value;
        var request = http.Request;
        if (o.TranscoderSecret is not { } secret || request.Headers.Authorization != ProtocolVersion ||
            !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(request.Headers["Credentials"].ToString()), Encoding.UTF8.GetBytes(secret)))
        {
            return Results.Text("Unauthorized\n", statusCode: StatusCodes.Status401Unauthorized);
        }
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType))
        {
            return Results.Text("Unsupported Media Type\n", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }
        if (!long.TryParse(request.Headers["TaskId"], NumberStyles.None, CultureInfo.InvariantCulture, out var taskId))
        {
            return Results.Text("Invalid Task ID\n", statusCode: StatusCodes.Status400BadRequest);
        }
        // A result for a task nobody waits for any more (handed on, timed out) is dropped, as go-O does.
        if (transcoders.Find(taskId) is not { } task)
        {
            return Results.Text("OK");
        }
        if (mediaType.MediaType.Equals(ErrorContentType, StringComparison.OrdinalIgnoreCase))
        {
            var error = await ReadTextAsync(request.Body, 4096, http.RequestAborted);
            transcoders.Fail(task, error.Length == 0 ? "the transcoder failed" : error);
            return Results.Text("OK");
        }
        var logger = logs.CreateLogger(typeof(TranscoderEndpoints));
        if (!mediaType.MediaType.Equals("multipart/mixed", StringComparison.OrdinalIgnoreCase) ||
            HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            transcoders.Leave(task.Worker, "sent a result that is not multipart/mixed");
            return Results.Text("Unsupported Media Type\n", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }
        var reader = new MultipartReader(boundary, request.Body);
        var pixels = new List<long>(task.Outputs.Count);
        string? garbage = null;
        while (await reader.ReadNextSectionAsync(http.RequestAborted) is { } part)
        {
            if (pixels.Count == task.Outputs.Count)
            {
                garbage = "sent more renditions than profiles";
                break;
            }
            if (!long.TryParse(part.Headers?.GetValueOrDefault("Pixels"), NumberStyles.None, CultureInfo.InvariantCulture, out var declared))
            {
                garbage = "sent a rendition without its pixel count";
                break;
            }
            var output = task.Outputs[pixels.Count];
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            var bytes = await ReadBoundedAsync(part.Body, o.MaxSegmentBytes, http.RequestAborted);
            // The transcoder is a stranger to the broadcaster: what it sends must be the video it says it is.
            if (bytes is null || !CountsAs(bytes, declared))
            {
                garbage = "sent a rendition that is not the MPEG-TS video it described";
                break;
            }
            await File.WriteAllBytesAsync(output, bytes, http.RequestAborted);
            pixels.Add(declared);
        }
        if (garbage is null && pixels.Count != task.Outputs.Count)
        {
            garbage = $"sent {pixels.Count} renditions for {task.Outputs.Count} profiles";
        }
        if (garbage is not null)
        {
            logger.LogWarning("Transcoder {Id} at {Peer} {Problem}; its task goes to another", task.Worker.Id, task.Worker.Peer, garbage);
            transcoders.Leave(task.Worker, garbage);
            return Results.Text("Bad Request\n", statusCode: StatusCodes.Status400BadRequest);
        }
        transcoders.Complete(task, pixels);
        return Results.Text("OK");
    }

    private static bool CountsAs(byte[] bytes, long pixels)
    {
        try
        {
            return bytes.Length > 0 && bytes[0] == 0x47 && MpegTsVideo.Read(bytes).Pixels == pixels;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static async Task<byte[]?> ReadBoundedAsync(Stream body, long limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static async Task<string> ReadTextAsync(Stream body, int limit, CancellationToken ct) =>
        await ReadBoundedAsync(body, limit, ct) is { } bytes ? Encoding.UTF8.GetString(bytes).Trim() : "the transcoder's error was too long";
}
