using StreamGateway.Media.Hls;

namespace StreamGateway.Media.Tests.Hls;

public sealed class HlsPlaylistTests
{
    [Fact]
    public void Live_media_playlist_has_sequence_target_and_no_endlist()
    {
        var text = HlsPlaylist.Media(
        [
            new HlsSegment(17, 2.002, "a_17.ts", false),
            new HlsSegment(18, 2.5, "a_18.ts", false),
        ], targetDuration: 2, discontinuitySequence: 0, ended: false);

        Assert.Equal(
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:17\n" +
            "#EXTINF:2.002,\na_17.ts\n#EXTINF:2.500,\na_18.ts\n", text);
    }

    [Fact]
    public void Each_segment_carries_the_wall_clock_time_its_media_arrived()
    {
        var text = HlsPlaylist.Media(
        [
            new HlsSegment(4, 2, "a_4.ts", false, ProgramDateMs: 1_764_158_400_123),
            new HlsSegment(5, 2, "b_0.ts", true, ProgramDateMs: 1_764_158_460_000),
            new HlsSegment(6, 2, "gap_6.ts", false, Gap: true, ProgramDateMs: 1_764_158_462_000),
        ], targetDuration: 2, discontinuitySequence: 0, ended: false);

        Assert.Contains("#EXT-X-PROGRAM-DATE-TIME:2025-11-26T12:00:00.123Z\n#EXTINF:2.000,\na_4.ts\n" +
                        "#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2025-11-26T12:01:00.000Z\n#EXTINF:2.000,\nb_0.ts\n" +
                        "#EXT-X-PROGRAM-DATE-TIME:2025-11-26T12:01:02.000Z\n#EXT-X-GAP\n#EXTINF:2.000,\ngap_6.ts\n", text);
    }

    [Fact]
    public void Reconnect_marks_a_discontinuity_and_idle_ends_the_list()
    {
        var text = HlsPlaylist.Media(
        [
            new HlsSegment(4, 2, "a_4.ts", false),
            new HlsSegment(5, 1.2, "b_0.ts", true),
        ], targetDuration: 2, discontinuitySequence: 3, ended: true);

        Assert.Contains("#EXT-X-DISCONTINUITY-SEQUENCE:3\n", text);
        Assert.Contains("a_4.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:1.200,\nb_0.ts\n", text);
        Assert.EndsWith("#EXT-X-ENDLIST\n", text);
    }

    [Fact]
    public void Target_duration_never_falls_below_the_rounded_longest_segment()
    {
        // RFC 8216 §4.3.3.1: each EXTINF rounded to the nearest integer must not exceed the target duration.
        var text = HlsPlaylist.Media([new HlsSegment(0, 4.6, "x.ts", false)], targetDuration: 2, 0, false);
        Assert.Contains("#EXT-X-TARGETDURATION:5\n", text);
    }

    [Fact]
    public void Master_lists_variants_with_bandwidth_resolution_codecs_and_frame_rate()
    {
        var text = HlsPlaylist.Master(
        [
            new HlsVariant("source/index.m3u8", 2_800_000, 1280, 720, 29.97, "avc1.64001F,mp4a.40.2"),
        ]);
        Assert.Equal(
            "#EXTM3U\n#EXT-X-VERSION:3\n" +
            "#EXT-X-STREAM-INF:BANDWIDTH=2800000,RESOLUTION=1280x720,CODECS=\"avc1.64001F,mp4a.40.2\",FRAME-RATE=29.970\n" +
            "source/index.m3u8\n", text);
    }

    [Fact]
    public void Audio_only_variant_has_no_resolution()
    {
        var text = HlsPlaylist.Master([new HlsVariant("source/index.m3u8", 128_000, null, null, null, "mp4a.40.2")]);
        Assert.Contains("BANDWIDTH=128000,CODECS=\"mp4a.40.2\"\n", text);
        Assert.DoesNotContain("RESOLUTION", text);
    }
}
