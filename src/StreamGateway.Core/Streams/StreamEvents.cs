using System.Text.Json;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Core.Streams;

/// <summary>Webhook events about a stream: the outbox row names the stream and carries it as the API shows it, without its key.</summary>
public static class StreamEvents
{
    public static WebhookEvent Add(GatewayDbContext db, string eventName, LiveStream stream, DateTimeOffset now, object? payload = null)
    {
        var row = WebhookOutbox.Add(db, eventName, stream.ProjectId, stream.UserId, now, payload);
        row.StreamId = stream.Id;
        row.Stream = JsonSerializer.Serialize(StreamResource.From(stream, withKey: false), GatewayJson.Options);
        return row;
    }
}
