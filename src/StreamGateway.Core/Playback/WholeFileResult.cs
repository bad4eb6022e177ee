using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Headers;
using Microsoft.Win32.SafeHandles;

namespace StreamGateway.Core.Playback;

/// <summary>
/// A whole file from the local segment store, read straight into the response pipe's own buffers: one copy fewer
/// than the framework's file result, which reads into a buffer of its own and then writes that into the pipe. For a
/// plain GET only; ranges, conditional requests and HEAD keep the framework's result, which handles them.
/// </summary>
internal sealed class WholeFileResult(string path, string contentType) : IResult
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Whether <paramref name="request"/> is one this result answers in full (a GET with no range or condition).</summary>
    public static bool Serves(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) &&
        request.Headers.Range.Count == 0 &&
        request.Headers.IfNoneMatch.Count == 0 && request.Headers.IfModifiedSince.Count == 0 &&
        request.Headers.IfMatch.Count == 0 && request.Headers.IfUnmodifiedSince.Count == 0 && request.Headers.IfRange.Count == 0;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Deleted (out of the live window) between the lookup and now.
            httpContext.Response.StatusCode = StatusCodes.Status404NotFound;
            httpContext.Response.Headers.CacheControl = "no-cache";
            return;
        }
        using (handle)
        {
            var length = RandomAccess.GetLength(handle);
            var response = httpContext.Response;
            response.ContentType = contentType;
            response.ContentLength = length;
            response.Headers.AcceptRanges = "bytes";
            new ResponseHeaders(response.Headers).LastModified = File.GetLastWriteTimeUtc(handle);
            var writer = response.BodyWriter;
            var ct = httpContext.RequestAborted;
            for (long offset = 0; offset < length;)
            {
                var memory = writer.GetMemory(ChunkBytes);
                var read = await RandomAccess.ReadAsync(handle, memory[..(int)Math.Min(memory.Length, length - offset)], offset, ct);
                if (read == 0)
                {
                    break; // shorter than it was a moment ago: the response ends short and the client sees it
                }
                writer.Advance(read);
                offset += read;
                var flushed = await writer.FlushAsync(ct);
                if (flushed.IsCanceled || flushed.IsCompleted)
                {
                    break;
                }
            }
        }
    }
}
