using System.Text.Json;

namespace StreamGateway.Core.Http;

/// <summary>
/// Nested Studio objects kept as JSON text in the database (jsonb/text columns), turned back into elements for a
/// response. The element owns its memory, so no pooled parser buffer is left undisposed on the request path.
/// </summary>
public static class StoredJson
{
    public static JsonElement? Element(string? json) => json is null ? null : JsonSerializer.Deserialize<JsonElement>(json);
}
