using System.Text.Json;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using Microsoft.AspNetCore.Http;

namespace StreamGateway.Core.Streams;

/// <summary>
/// PATCH /stream/{id} → 204 (studio-api §2.1, §3.2). Fields left out are unchanged; <c>playbackPolicy: null</c>
/// clears the policy. Changing <c>record</c> or <c>profiles</c> while the stream is live is a 400, as in Studio.
/// </summary>
public sealed class UpdateStream(GatewayDbContext db, ILiveControl live, Microsoft.Extensions.Options.IOptions<MediaLimitsOptions> limits,
    Microsoft.Extensions.Options.IOptions<MultistreamOptions> multistream, TimeProvider clock)
{
    public async Task<IResult> HandleAsync(string id, HttpContext http, CancellationToken ct)
    {
        var caller = Caller.From(http);
        var stream = await StreamQueries.FindAsync(db, caller, id, ct);
        if (stream is null)
        {
            return ApiError.NotFound();
        }
        var body = await JsonBody.ReadAsync<StreamPatchPayload>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        var patch = body.Value!;
        var currentNames = JsonSerializer.Deserialize<List<FfmpegProfile>>(stream.Profiles, GatewayJson.Options)!
            .Select(p => p.Name!).ToArray();
        var input = await StreamInput.CheckAsync(db, caller, patch.Name, nameRequired: false, patch.CreatorId,
            patch.PlaybackPolicy, patch.UserTags, patch.Profiles, patch.Multistream, patch.RecordingSpec, currentNames, limits.Value,
            multistream.Value, clock.GetUtcNow(), ct);
        if (patch.Pull is { } pull)
        {
            PullRules.Check(pull, input.Errors);
        }
        if (stream.IsActive && ((patch.Record is { } r && r != stream.Record) || input.ProfilesJson is not null))
        {
            input.BadRequests.Add("cannot change record or profiles while the stream is active");
        }
        if (input.Failure is { } failure)
        {
            return failure;
        }

        if (patch.Name is not null)
        {
            stream.Name = patch.Name;
        }
        if (patch.Record is { } record)
        {
            stream.Record = record;
        }
        if (patch.Suspended is { } suspended)
        {
            stream.Suspended = suspended;
        }
        stream.CreatorId = input.CreatorIdJson ?? stream.CreatorId;
        stream.UserTags = input.UserTagsJson ?? stream.UserTags;
        stream.Profiles = input.ProfilesJson ?? stream.Profiles;
        stream.Multistream = input.MultistreamJson ?? stream.Multistream;
        stream.RecordingSpec = input.RecordingSpecJson ?? stream.RecordingSpec;
        stream.PlaybackPolicy = input.PlaybackPolicyJson ?? (body.NullFields!.Contains("playbackPolicy") ? null : stream.PlaybackPolicy);
        if (patch.Pull is not null)
        {
            stream.Pull = StreamRules.ToJson(patch.Pull);
            stream.PullRequestedAt = clock.GetUtcNow();
        }
        else if (body.NullFields!.Contains("pull"))
        {
            stream.Pull = null;
            stream.PullRequestedAt = null;
        }
        await db.SaveChangesAsync(ct);
        // Suspension drops a live publisher at once; the key cache must not let it back in.
        await live.StreamChangedAsync(stream, dropPublisher: stream.Suspended);
        return TypedResults.NoContent();
    }
}
