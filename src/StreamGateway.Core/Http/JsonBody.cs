using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace StreamGateway.Core.Http;

/// <summary>
/// Reads a JSON request body with the gateway's rules: over <see cref="MaxBytes"/> → 413, malformed JSON → 400,
/// unknown fields or wrong types → 422 (request schemas are closed, as Studio's are).
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 1024 * 1024;

    /// <param name="NullFields">Top-level fields sent as an explicit <c>null</c>, for patches where null clears a value.</param>
    public readonly record struct Result<T>(T? Value, IResult? Error, IReadOnlySet<string>? NullFields = null)
    {
        public bool Ok => Error is null;
    }

    public static async Task<Result<T>> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (request.ContentLength > MaxBytes)
        {
            return new(null, TooLarge());
        }

        var buffer = new ArrayBufferWriter<byte>();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.WrittenCount + read > MaxBytes)
                {
                    return new(null, TooLarge());
                }
                buffer.Write(chunk.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        if (buffer.WrittenCount == 0)
        {
            return new(null, ApiError.BadRequest("request body is empty; expected a JSON object"));
        }

        HashSet<string> nullFields;
        try
        {
            using var document = JsonDocument.Parse(buffer.WrittenMemory);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new(null, ApiError.Unprocessable(["body: must be a JSON object"]));
            }
            nullFields = [.. document.RootElement.EnumerateObject()
                .Where(p => p.Value.ValueKind == JsonValueKind.Null).Select(p => p.Name)];
        }
        catch (JsonException e)
        {
            return new(null, ApiError.BadRequest($"malformed JSON body: {e.Message}"));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.WrittenSpan, GatewayJson.Options);
            return value is null
                ? new(null, ApiError.Unprocessable(["body: must be a JSON object"]))
                : new(value, null, nullFields);
        }
        catch (JsonException e)
        {
            return new(null, ApiError.Unprocessable([Describe(e)]));
        }
    }

    private static IResult TooLarge() => ApiError.PayloadTooLarge($"request body exceeds the {MaxBytes} byte limit");

    private static string Describe(JsonException e)
    {
        var path = string.IsNullOrEmpty(e.Path) ? "body" : e.Path;
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return $"{path}: unknown field (additional properties are not allowed)";
        }
        return $"{path}: has the wrong type or an invalid value";
    }
}
