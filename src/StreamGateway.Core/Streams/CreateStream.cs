using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using Microsoft.AspNetCore.Http;

namespace StreamGateway.Core.Streams;

/// <summary>POST /stream → 201 with the new LiveStream (studio-api §2.1, §3.2).</summary>
public sealed class CreateStream(GatewayDbContext db, Microsoft.Extensions.Options.IOptions<Http.GatewayUrlOptions> urls,
    Microsoft.Extensions.Options.IOptions<MediaLimitsOptions> limits, Microsoft.Extensions.Options.IOptions<MultistreamOptions> multistream,
    TimeProvider clock)
{
    public async Task<IResult> HandleAsync(HttpContext http, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<NewStreamPayload>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        var payload = body.Value!;
        var caller = Caller.From(http);
        var profiles = payload.Profiles ?? StreamRules.DefaultProfiles();
        var input = await StreamInput.CheckAsync(db, caller, payload.Name, nameRequired: true, payload.CreatorId,
            payload.PlaybackPolicy, payload.UserTags, profiles, payload.Multistream, payload.RecordingSpec, [], limits.Value,
            multistream.Value, clock.GetUtcNow(), ct);
        if (payload.Pull is { } pull)
        {
            PullRules.Check(pull, input.Errors);
        }
        if (payload.RecordingSpec is not null && payload.Record != true)
        {
            input.Errors.Add("recordingSpec: only allowed when record is true");
        }
        if (input.Failure is { } failure)
        {
            return failure;
        }

        var id = Guid.CreateVersion7();
        var stream = new LiveStream
        {
            Id = id,
            ProjectId = caller.ProjectId,
            UserId = caller.UserId,
            Name = payload.Name!,
            StreamKey = SecretKeys.NewStreamKey(id),
            PlaybackId = SecretKeys.NewPlaybackId(id),
            CreatedByTokenName = caller.TokenName,
            CreatedAt = clock.GetUtcNow(),
            Record = payload.Record ?? false,
            Profiles = input.ProfilesJson!,
            UserTags = input.UserTagsJson,
            PlaybackPolicy = input.PlaybackPolicyJson,
            Multistream = input.MultistreamJson,
            RecordingSpec = input.RecordingSpecJson,
            // A pull stream starts pulling at once, as a push stream is ready for its publisher at once.
            Pull = payload.Pull is null ? null : StreamRules.ToJson(payload.Pull),
            PullRequestedAt = payload.Pull is null ? null : clock.GetUtcNow(),
            CreatorId = input.CreatorIdJson,
            PublicBase = urls.Value.BaseFor(http.Request),
        };
        db.Streams.Add(stream);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/stream/{stream.Id}", StreamResource.From(stream));
    }
}
