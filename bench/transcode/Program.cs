// Sends one source segment to an orchestrator N times (sequentially, one session) and runs the same one-process
// ffmpeg ladder by hand on the same file N times, then prints the medians and their ratio. Arguments:
//   <segment.ts> <orchestrator URI>[,<second orchestrator URI>] <runs> <ladder: name:WxH:bps,...>
// Runs alternate (by hand, first orchestrator, second orchestrator, by hand, ...) so that all see the same machine.
using System.Diagnostics;
using System.Globalization;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Network.Transport;
using StreamGateway.Network.Wire;

var segmentPath = args[0];
var orchestrator = args[1];
var runs = int.Parse(args[2], CultureInfo.InvariantCulture);
var ladder = args[3].Split(',').Select(p =>
{
    var parts = p.Split(':');
    var size = parts[1].Split('x');
    return new RenditionRequest(parts[0], int.Parse(size[0], CultureInfo.InvariantCulture), int.Parse(size[1], CultureInfo.InvariantCulture),
        int.Parse(parts[2], CultureInfo.InvariantCulture));
}).ToList();
var bytes = await File.ReadAllBytesAsync(segmentPath);
var duration = MediaProbe.Parse(await FfmpegProcess.RunAsync("ffprobe", FfmpegArguments.ProbeStreams(segmentPath, ContainerFormats.MpegTs), TimeSpan.FromSeconds(10), CancellationToken.None)).Duration ?? 2;

using var client = new OrchestratorClient();
var identity = new BroadcasterIdentity();
var scratch = Path.GetTempFileName();
var targets = new List<(string Uri, OrchestratorInfo Info, List<double> Submitted, List<double> Downloaded)>();
foreach (var uri in orchestrator.Split(','))
{
    targets.Add((uri, await client.GetOrchestratorAsync(uri, identity.Request(), TimeSpan.FromSeconds(5), CancellationToken.None), [], []));
}
// Runs by hand and at the orchestrator(s) alternate, so that both see the same machine (a noisy neighbour, a
// warmer cache) rather than one getting the quiet half of the run.
var work = Directory.CreateTempSubdirectory("sg-transcode-bench");
var local = new List<double>();
for (var i = 0; i < runs + 1; i++)
{
    var outputs = ladder.Select(r => (new LadderProfile(r.Name, r.Width, r.Height, r.BitrateBps), Path.Combine(work.FullName, $"{r.Name}.ts"))).ToList();
    var byHand = Stopwatch.StartNew();
    await FfmpegProcess.RunAsync("ffmpeg", FfmpegArguments.Ladder(segmentPath, outputs, H264Encoder.Libx264), TimeSpan.FromSeconds(60), CancellationToken.None);
    if (i > 0) // the first run warms up connections and the JIT
    {
        local.Add(byHand.Elapsed.TotalMilliseconds);
    }
    foreach (var (_, info, submittedTimes, downloadedTimes) in targets)
    {
        var seg = SegmentRequest.Build("bench", i, bytes, TimeSpan.FromSeconds(duration), info.AuthToken, ladder, identity);
        var watch = Stopwatch.StartNew();
        var (data, _) = await client.SubmitSegmentAsync(info, seg, bytes, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), CancellationToken.None);
        var submitted = watch.Elapsed.TotalMilliseconds;
        foreach (var s in data.Segments)
        {
            await client.DownloadAsync(s.Url, scratch, 64 << 20, TimeSpan.FromSeconds(10), CancellationToken.None);
        }
        if (i > 0)
        {
            submittedTimes.Add(submitted);
            downloadedTimes.Add(watch.Elapsed.TotalMilliseconds);
        }
    }
}
File.Delete(scratch);
work.Delete(recursive: true);
var remote = targets[0].Submitted;
var downloaded = targets[0].Downloaded;

static double Median(List<double> v) { v.Sort(); return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2; }
var (r, d, l) = (Median(remote), Median(downloaded), Median(local));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"segment {Path.GetFileName(segmentPath)} ({duration:0.###} s, {bytes.Length} bytes), ladder {args[3]}, {runs} runs each (medians)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ffmpeg ladder by hand              {l,8:0} ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  orchestrator POST /segment         {r,8:0} ms   ratio {r / l:0.00}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ... plus downloading renditions    {d,8:0} ms   ratio {d / l:0.00}"));
if (targets.Count == 1)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT hand_ms={l:0} orch_ms={r:0} orch_dl_ms={d:0} ratio={r / l:0.00}"));
}
else
{
    var (r2, d2) = (Median(targets[1].Submitted), Median(targets[1].Downloaded));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  second orchestrator POST /segment  {r2,8:0} ms   ratio {r2 / l:0.00}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ... plus downloading renditions    {d2,8:0} ms   ratio {d2 / l:0.00}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT hand_ms={l:0} orch_ms={r:0} orch_dl_ms={d:0} ratio={r / l:0.00} orch2_ms={r2:0} orch2_dl_ms={d2:0} ratio2={r2 / l:0.00} extra_ms={r - r2:0}"));
}
