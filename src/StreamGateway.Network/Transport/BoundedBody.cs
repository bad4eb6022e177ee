using System.Text;

namespace StreamGateway.Network.Transport;

/// <summary>
/// Reads HTTP bodies an orchestrator sends without trusting their size: never more than a given number of bytes
/// is held or written, whatever Content-Length says or however long the body runs.
/// </summary>
public static class BoundedBody
{
    /// <returns>The first at most <paramref name="max"/> bytes, and whether that was the whole body.</returns>
    public static async Task<(byte[] Bytes, bool Whole)> ReadAsync(HttpContent content, int max, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[Math.Min(max + 1, content.Headers.ContentLength is { } length && length >= 0 ? length + 1 : 16 * 1024)];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                if (buffer.Length > max)
                {
                    return (buffer[..max], false);
                }
                Array.Resize(ref buffer, (int)Math.Min(max + 1L, buffer.Length * 2L));
            }
            var read = await stream.ReadAsync(buffer.AsMemory(filled), ct);
            if (read == 0)
            {
                return (buffer[..filled], true);
            }
            filled += read;
        }
    }

    /// <summary>Writes the body to <paramref name="path"/>; more than <paramref name="max"/> bytes throws <see cref="InvalidDataException"/>.</summary>
    /// <returns>The bytes written.</returns>
    public static async Task<long> CopyToFileAsync(HttpContent content, string path, long max, CancellationToken ct)
    {
        if (content.Headers.ContentLength > max)
        {
            throw new InvalidDataException($"it is {content.Headers.ContentLength} bytes, more than the {max} allowed");
        }
        await using var stream = await content.ReadAsStreamAsync(ct);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > max)
            {
                throw new InvalidDataException($"it runs past the {max} bytes allowed");
            }
            await file.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        return total;
    }

    /// <summary>At most <paramref name="chars"/> printable characters of a text body, for a log line.</summary>
    public static string Quote(ReadOnlySpan<byte> bytes, int chars = 200)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var clean = new StringBuilder(Math.Min(text.Length, chars + 1));
        foreach (var c in text)
        {
            if (clean.Length == chars)
            {
                return clean.Append('…').ToString().Trim();
            }
            clean.Append(char.IsControl(c) ? ' ' : c);
        }
        return clean.ToString().Trim();
    }
}
