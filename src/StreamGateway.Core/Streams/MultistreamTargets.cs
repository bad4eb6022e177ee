using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Streams;

/// <summary>Rules for multistream targets, shared by their own API and by streams that name or define them.</summary>
public static class MultistreamTargets
{
    /// <summary>The 422 messages for a target's fields; <paramref name="at"/> prefixes each (e.g. <c>spec.</c>).</summary>
    public static List<string> Check(string? url, string? name, string at = "")
    {
        var errors = new List<string>();
        if (TargetUrls.Problem(url) is { } problem)
        {
            errors.Add($"{at}url: {problem}");
        }
        if (name is { Length: > 500 })
        {
            errors.Add($"{at}name: must be at most 500 characters");
        }
        return errors;
    }

    public static MultistreamTarget New(Caller caller, string url, string? name, bool disabled, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        ProjectId = caller.ProjectId,
        UserId = caller.UserId,
        Name = string.IsNullOrWhiteSpace(name) ? new Uri(url).Host : name.Trim(),
        Url = url,
        Disabled = disabled,
        CreatedAt = now,
    };

    /// <summary>
    /// Makes a stream's target list what is stored: each inline <c>spec</c> becomes a target of the project (saved with
    /// the caller's unit of work) and is replaced by its id; each id must be a target of the project. Problems go to
    /// <paramref name="errors"/> (422) and <paramref name="badRequests"/> (400, an unknown id).
    /// </summary>
    public static async Task ResolveAsync(GatewayDbContext db, Caller caller, MultistreamSpec spec, int maxTargets, DateTimeOffset now,
        List<string> errors, List<string> badRequests, CancellationToken ct)
    {
        var targets = spec.Targets ?? [];
        if (targets.Count > maxTargets)
        {
            errors.Add($"multistream.targets: at most {maxTargets} targets per stream");
            return;
        }
        var named = targets.Where(t => t?.Id is not null && t.Spec is null).Select(t => t!.Id!).ToList();
        var ids = named.Select(id => Guid.TryParse(id, out var g) ? g : Guid.Empty).ToList();
        var known = await db.MultistreamTargets.Where(t => t.ProjectId == caller.ProjectId && ids.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct);
        for (var i = 0; i < targets.Count; i++)
        {
            var t = targets[i];
            if (t is null)
            {
                continue;
            }
            t.VideoOnly ??= false;
            if (t.Spec is { } inline && t.Id is null)
            {
                var problems = Check(inline.Url, inline.Name, $"multistream.targets[{i}].spec.");
                errors.AddRange(problems);
                if (problems.Count == 0 && errors.Count == 0 && badRequests.Count == 0)
                {
                    var made = New(caller, inline.Url!, inline.Name, disabled: false, now);
                    db.MultistreamTargets.Add(made);
                    t.Id = made.Id.ToString();
                    t.Spec = null;
                }
            }
            else if (t.Id is not null && !(Guid.TryParse(t.Id, out var id) && known.Contains(id)))
            {
                badRequests.Add($"multistream.targets[{i}].id: no multistream target {(t.Id.Length > 64 ? t.Id[..64] : t.Id)} in this project");
            }
        }
    }
}
