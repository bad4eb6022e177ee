using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace StreamGateway.Tests.Integration;

/// <summary>
/// An upload is opened as the video container it really is, never as a playlist: ffmpeg would otherwise read the
/// files and URLs a text file names, past every check the gateway makes on imports.
/// </summary>
public sealed class UntrustedMediaTests : IAsyncLifetime
{
    private static readonly Gateway Gw = Gateway.Instance;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sg-untrusted-");
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private string _video = "";

    public async Task InitializeAsync()
    {
        _listener.Start();
        // A real video on the gateway's disk (the suite runs on the gateway's machine): what a playlist would point at.
        _video = Path.Combine(_dir.FullName, "elsewhere.ts");
        await MakeVideoAsync(_video, "mpegts");
    }

    public Task DisposeAsync()
    {
        _listener.Stop();
        _dir.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_hls_playlist_upload_fails_as_an_unsupported_format_and_nothing_it_names_is_read()
    {
        var url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/next.ts";
        var playlist = $"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n{_video}\n#EXTINF:2.0,\n{url}\n#EXT-X-ENDLIST\n";

        var asset = await Uploads.UploadAsync(Encoding.UTF8.GetBytes(playlist));

        Assert.Equal("failed", asset["status"]!["phase"]!.GetValue<string>());
        Assert.StartsWith("unsupported container format 'hls'", asset["status"]!["errorMessage"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(_listener.Pending(), "the gateway fetched a URL named in an uploaded playlist");
    }

    [Fact]
    public async Task An_ffconcat_list_upload_fails_as_an_unsupported_format()
    {
        var list = $"ffconcat version 1.0\nfile '{_video}'\nfile elsewhere.ts\n";

        var asset = await Uploads.UploadAsync(Encoding.UTF8.GetBytes(list));

        Assert.Equal("failed", asset["status"]!["phase"]!.GetValue<string>());
        Assert.StartsWith("unsupported container format 'concat'", asset["status"]!["errorMessage"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_matroska_upload_is_read_as_matroska_from_probe_to_thumbnails_and_its_mp4_joined_from_mpegts()
    {
        var file = Path.Combine(_dir.FullName, "clip.mkv");
        await MakeVideoAsync(file, "matroska");

        var asset = await Uploads.UploadAsync(await File.ReadAllBytesAsync(file), staticMp4: true);

        Assert.Equal("ready", asset["status"]!["phase"]!.GetValue<string>());
        Assert.Equal("matroska,webm", asset["videoSpec"]!["format"]!.GetValue<string>());
        Assert.NotNull(asset["downloadUrl"]);
    }

    private static async Task MakeVideoAsync(string path, string format)
    {
        var (code, _, error) = await Viewer.RunAsync("ffmpeg",
        [
            "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
            "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p", "-f", format, path,
        ]);
        Assert.True(code == 0, error);
    }
}
