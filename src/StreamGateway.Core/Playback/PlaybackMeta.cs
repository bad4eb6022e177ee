using System.Text.Json;

namespace StreamGateway.Core.Playback;

public sealed class PlaybackMeta
{
    public int? Live { get; init; }
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)]
    public JsonElement? PlaybackPolicy { get; init; }
    public required IReadOnlyList<PlaybackSource> Source { get; init; }
}
