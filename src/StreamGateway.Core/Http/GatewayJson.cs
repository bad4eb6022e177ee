using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamGateway.Core.Http;

/// <summary>
/// JSON as the Studio SDK reads it: camelCase, optional fields omitted rather than null (studio-api §1.4).
/// Properties that must be sent as null carry <c>[JsonIgnore(Condition = JsonIgnoreCondition.Never)]</c>.
/// </summary>
public static class GatewayJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.NumberHandling = JsonNumberHandling.Strict;
        // Responses are JSON documents, never embedded in HTML, so `<`, `>` and `'` need no escaping.
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        return options;
    }
}
