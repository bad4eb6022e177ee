using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using Microsoft.AspNetCore.Http;

namespace StreamGateway.Core.Streams;

/// <summary>The checked, normalised form of the fields that create and patch share.</summary>
internal sealed class StreamInput
{
    public List<string> Errors { get; } = [];
    public List<string> BadRequests { get; } = [];

    public string? CreatorIdJson { get; private set; }
    public string? PlaybackPolicyJson { get; private set; }
    public string? UserTagsJson { get; private set; }
    public string? ProfilesJson { get; private set; }
    public string? MultistreamJson { get; private set; }
    public string? RecordingSpecJson { get; private set; }

    public IResult? Failure =>
        BadRequests.Count > 0 ? ApiError.BadRequest([.. BadRequests])
        : Errors.Count > 0 ? ApiError.Unprocessable(Errors)
        : null;

    public static async Task<StreamInput> CheckAsync(
        GatewayDbContext db, Caller caller,
        string? name, bool nameRequired,
        System.Text.Json.JsonElement? creatorId,
        PlaybackPolicy? policy,
        System.Text.Json.JsonElement? userTags,
        List<FfmpegProfile>? profiles,
        MultistreamSpec? multistream,
        RecordingSpec? recordingSpec,
        IReadOnlyCollection<string> currentProfileNames,
        MediaLimitsOptions limits,
        MultistreamOptions multistreamOptions,
        DateTimeOffset now,
        CancellationToken ct)
    {
        var input = new StreamInput();
        StreamRules.CheckName(name, nameRequired, input.Errors);

        if (creatorId is { } c)
        {
            var normalised = StreamRules.NormaliseCreatorId(c, input.Errors);
            input.CreatorIdJson = normalised?.ToJsonString(GatewayJson.Options);
        }
        if (policy is not null)
        {
            StreamRules.CheckPlaybackPolicy(policy, input.Errors);
            if (policy.Type == "webhook" && policy.WebhookId is not null &&
                !(Guid.TryParse(policy.WebhookId, out var webhookId) &&
                  await db.Webhooks.AnyAsync(w => w.Id == webhookId && w.ProjectId == caller.ProjectId && !w.Deleted, ct)))
            {
                input.Errors.Add("playbackPolicy.webhookId: no such webhook");
            }
            input.PlaybackPolicyJson = StreamRules.ToJson(policy);
        }
        if (userTags is { } tags && tags.ValueKind != System.Text.Json.JsonValueKind.Null)
        {
            StreamRules.CheckUserTags(tags, input.Errors);
            input.UserTagsJson = tags.GetRawText();
        }
        var profileNames = currentProfileNames;
        if (profiles is not null)
        {
            StreamRules.CheckProfiles(profiles, limits, input.Errors);
            input.ProfilesJson = StreamRules.ToJson(profiles);
            profileNames = [.. profiles.Where(p => p?.Name is not null).Select(p => p.Name!)];
        }
        if (multistream is not null)
        {
            StreamRules.CheckMultistream(multistream, profileNames, input.Errors, input.BadRequests);
            await MultistreamTargets.ResolveAsync(db, caller, multistream, multistreamOptions.MaxTargetsPerStream, now,
                input.Errors, input.BadRequests, ct);
            input.MultistreamJson = StreamRules.ToJson(multistream);
        }
        if (recordingSpec is not null)
        {
            StreamRules.CheckRecordingSpec(recordingSpec, limits, input.Errors);
            input.RecordingSpecJson = StreamRules.ToJson(recordingSpec);
        }
        return input;
    }
}
