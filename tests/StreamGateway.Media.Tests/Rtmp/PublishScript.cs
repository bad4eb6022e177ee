using StreamGateway.Media.Rtmp;

namespace StreamGateway.Media.Tests.Rtmp;

/// <summary>
/// The bytes a typical encoder sends in a whole publish session, built without waiting for replies (the
/// server does not validate C2, so the client's bytes do not depend on what the server says).
/// </summary>
internal static class PublishScript
{
    public const string StreamKey = "secret-key";

    public static readonly byte[] AvcSequenceHeader = [0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1F, 0xFF, 0xE1, 0x00, 0x04, 0x67, 0x64, 0x00, 0x1F, 0x01, 0x00, 0x04, 0x68, 0xEE, 0x3C, 0x80];

    public static readonly byte[] AacSequenceHeader = [0xAF, 0x00, 0x12, 0x10];

    public static byte[] Build()
    {
        var b = new ChunkBuilder();
        b.Raw([3, .. TestRtmpClient.CreateC1()]);
        b.Raw(new byte[1536]);
        b.SetChunkSize(4096);
        AppendCommands(b);
        b.Command(3, 0, "FCUnpublish", 6.0, null, StreamKey);
        b.Command(3, 0, "deleteStream", 7.0, null, 1.0);
        return b.ToArray();
    }

    public static void AppendCommands(ChunkBuilder b)
    {
        b.Command(3, 0, "connect", 1.0, new Amf0Object
        {
            { "app", "live" },
            { "type", "nonprivate" },
            { "flashVer", "FMLE/3.0 (compatible; FMSc/1.0)" },
            { "tcUrl", "rtmp://localhost:1935/live" },
        });
        b.Command(3, 0, "releaseStream", 2.0, null, StreamKey);
        b.Command(3, 0, "FCPublish", 3.0, null, StreamKey);
        b.Command(3, 0, "createStream", 4.0, null);
        b.Command(8, 1, "publish", 5.0, null, StreamKey, "live");
        b.Message(4, 18, 1, 0, MetaData());
        b.Message(6, 9, 1, 0, AvcSequenceHeader);
        b.Message(4, 8, 1, 0, AacSequenceHeader);
        for (var i = 0; i < 6; i++)
        {
            var frame = new byte[300 + (i * 50)];
            frame[0] = i == 0 ? (byte)0x17 : (byte)0x27;
            frame[1] = 1;
            b.Message(6, 9, 1, (uint)(i * 66), frame);
            b.Message(4, 8, 1, (uint)(i * 66), [0xAF, 0x01, (byte)i, 0x42]);
        }
    }

    public static byte[] MetaData() => Amf0.Encode("@setDataFrame", "onMetaData", new Amf0EcmaArray
    {
        { "width", 320.0 },
        { "height", 240.0 },
        { "videocodecid", 7.0 },
        { "audiocodecid", 10.0 },
        { "encoder", "test" },
    });
}
