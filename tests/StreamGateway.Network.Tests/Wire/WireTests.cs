using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using StreamGateway.Network.Wire;

namespace StreamGateway.Network.Tests.Wire;

/// <summary>
/// Our lp_rpc.proto against the field facts of livepeer-wire §1–§3. The byte tests use hand-computed encodings:
/// tag = field number &lt;&lt; 3 | wire type (0 varint, 2 length-delimited), tags ≥ 16 take two varint bytes.
/// </summary>
public sealed class WireTests
{
    private static string Hex(IMessage message) => Convert.ToHexString(message.ToByteArray());

    private static string Hex(string spaced) => spaced.Replace(" ", "", StringComparison.Ordinal);

    private static ByteString Bytes(params byte[] bytes) => ByteString.CopyFrom(bytes);

    private static readonly VideoProfile P240p30fps16x9 = new()
    {
        Name = "P240p30fps16x9",
        Width = 426,
        Height = 240,
        Bitrate = 600_000,
        Fps = 30,
    };

    // 82 01 = tag 16/LEN, 88 01 = 17/varint, 90 01 = 18, 98 01 = 19, A0 01 = 20; 600000 = C0 CF 24.
    private const string P240p30fps16x9Bytes =
        "82 01 0E 50 32 34 30 70 33 30 66 70 73 31 36 78 39 88 01 AA 03 90 01 F0 01 98 01 C0 CF 24 A0 01 1E";

    [Fact]
    public void OrchestratorInfo_puts_transcoder_in_field_1_and_the_high_numbered_fields_after_it()
    {
        var info = new OrchestratorInfo
        {
            Transcoder = "https://o:8935",
            Address = Bytes(0x01),
            AuthToken = new AuthToken { SessionId = "s" },
            Storage = { new OSInfo { StorageType = OSInfo.Types.StorageType.S3 } },
            Nodes = { "x" },
        };

        Assert.Equal(Hex(
            "0A 0E 68 74 74 70 73 3A 2F 2F 6F 3A 38 39 33 35" // 1 transcoder "https://o:8935"
            + " 22 01 01" // 4 address
            + " 32 03 12 01 73" // 6 auth_token { 2 session_id "s" }
            + " 82 02 02 08 01" // 32 storage { 1 storageType S3 }
            + " 92 02 01 78"), // 34 nodes "x"
            Hex(info));
    }

    [Fact]
    public void TicketParams_carry_big_integers_as_bytes_and_expiration_params_in_field_7()
    {
        var ticket = new TicketParams
        {
            Recipient = Bytes(0x01),
            FaceValue = Bytes(0x03, 0xE8),
            WinProb = Bytes(0xFF),
            RecipientRandHash = Bytes(0xAA),
            Seed = Bytes(0xBB),
            ExpirationBlock = Bytes(0x2A),
            ExpirationParams = new TicketExpirationParams { CreationRound = 5, CreationRoundBlockHash = Bytes(0xCC) },
        };

        Assert.Equal(Hex("0A 01 01 12 02 03 E8 1A 01 FF 22 01 AA 2A 01 BB 32 01 2A 3A 05 08 05 12 01 CC"), Hex(ticket));
    }

    [Fact]
    public void Payment_fields_match_the_reference_numbers()
    {
        var payment = new Payment
        {
            TicketParams = new TicketParams { Recipient = Bytes(0x01) },
            Sender = Bytes(0x02),
            ExpirationParams = new TicketExpirationParams { CreationRound = 1 },
            TicketSenderParams = { new TicketSenderParams { SenderNonce = 3, Sig = Bytes(0x04) } },
            ExpectedPrice = new PriceInfo { PricePerUnit = 1000, PixelsPerUnit = 1 },
        };

        Assert.Equal(Hex(
            "0A 03 0A 01 01" // 1 ticket_params { 1 recipient }
            + " 12 01 02" // 2 sender
            + " 1A 02 08 01" // 3 expiration_params { 1 creation_round }
            + " 22 05 08 03 12 01 04" // 4 ticket_sender_params { 1 sender_nonce, 2 sig }
            + " 2A 05 08 E8 07 10 01"), // 5 expected_price { 1 pricePerUnit 1000, 2 pixelsPerUnit 1 }
            Hex(payment));
    }

    [Fact]
    public void SegData_sends_legacy_profiles_as_bytes_and_renditions_in_fields_33_to_35()
    {
        var seg = new SegData
        {
            Seq = 300,
            Profiles = ByteString.CopyFromUtf8("invalid"),
            Duration = 2000,
            AuthToken = new AuthToken { SessionId = "s" },
            CalcPerceptualHash = true,
            FullProfiles = { P240p30fps16x9 },
            SegmentParameters = new SegParameters { From = 1, To = 2 },
            ForceSessionReinit = true,
        };

        Assert.Equal(Hex(
            "10 AC 02" // 2 seq 300
            + " 22 07 69 6E 76 61 6C 69 64" // 4 profiles "invalid"
            + " 30 D0 0F" // 6 duration 2000
            + " 42 03 12 01 73" // 8 auth_token
            + " 50 01" // 10 calc_perceptual_hash
            + " 8A 02 21 " + P240p30fps16x9Bytes // 33 fullProfiles
            + " AA 02 04 08 01 10 02" // 37 segment_parameters { from 1, to 2 }
            + " B0 02 01"), // 38 ForceSessionReinit
            Hex(seg));

        Assert.Equal(Hex("92 02 21 " + P240p30fps16x9Bytes), Hex(new SegData { FullProfiles2 = { P240p30fps16x9 } }));
        Assert.Equal(Hex("9A 02 21 " + P240p30fps16x9Bytes), Hex(new SegData { FullProfiles3 = { P240p30fps16x9 } }));
    }

    [Fact]
    public void VideoProfile_enums_and_negative_gop_use_the_reference_numbers()
    {
        var profile = new VideoProfile
        {
            Format = VideoProfile.Types.Format.Mp4,
            FpsDen = 1001,
            Profile = VideoProfile.Types.Profile.H264High,
            Gop = -1,
            Encoder = VideoProfile.Types.VideoCodec.Vp9,
            ColorDepth = 8,
            ChromaFormat = VideoProfile.Types.ChromaSubsampling.Chroma444,
            Quality = 23,
        };

        Assert.Equal(Hex(
            "A8 01 01" // 21 format MP4
            + " B0 01 E9 07" // 22 fpsDen 1001
            + " B8 01 03" // 23 profile H264_HIGH
            + " C0 01 FF FF FF FF FF FF FF FF FF 01" // 24 gop -1: int32 negatives take ten varint bytes
            + " C8 01 03" // 25 encoder VP9
            + " D0 01 08" // 26 colorDepth
            + " D8 01 02" // 27 chromaFormat CHROMA_444
            + " E0 01 17"), // 28 quality
            Hex(profile));
    }

    [Fact]
    public void TranscodeResult_oneof_puts_error_in_2_and_data_in_3()
    {
        var failed = new TranscodeResult { Seq = 7, Error = "x" };
        Assert.Equal(Hex("08 07 12 01 78"), Hex(failed));

        var data = new TranscodeData
        {
            Segments = { new TranscodedSegmentData { Url = "u", Pixels = 1000 } },
            Sig = Bytes(0x01),
        };
        var succeeded = new TranscodeResult { Seq = 7, Error = "x", Data = data, Info = new OrchestratorInfo { Transcoder = "t" } };

        Assert.Equal(TranscodeResult.ResultOneofCase.Data, succeeded.ResultCase);
        Assert.Equal(Hex(
            "08 07" // 1 seq
            + " 1A 0B 0A 06 0A 01 75 10 E8 07 12 01 01" // 3 data { 1 segments { 1 url, 2 pixels 1000 }, 2 sig }
            + " 82 01 03 0A 01 74"), // 16 info { 1 transcoder }
            Hex(succeeded));

        var parsed = TranscodeResult.Parser.ParseFrom(Convert.FromHexString(Hex("08 07 12 01 78")));
        Assert.Equal(TranscodeResult.ResultOneofCase.Error, parsed.ResultCase);
        Assert.Equal("x", parsed.Error);
        Assert.Equal(TranscodeResult.ResultOneofCase.None, new TranscodeResult { Seq = 1 }.ResultCase);
    }

    [Fact]
    public void Capabilities_pack_the_bitstring_and_encode_capacities_as_map_entries()
    {
        var caps = new Capabilities
        {
            Bitstring = { 0x4005FFFUL }, // go-O's default set {0–12, 14, 26}
            Capacities = { [12] = 1 },
            Version = "0.9.1",
            Constraints = new Capabilities.Types.Constraints
            {
                MinVersion = "1",
                PerCapability =
                {
                    [35] = new Capabilities.Types.CapabilityConstraints
                    {
                        Models = { ["m"] = new Capabilities.Types.CapabilityConstraints.Types.ModelConstraint { Warm = true } },
                    },
                },
            },
        };

        Assert.Equal(Hex(
            "0A 04 FF BF 81 20" // 1 bitstring, packed: one LEN record holding the varint 67133439
            + " 1A 04 08 0C 10 01" // 3 capacities entry { key 12, value 1 }
            + " 22 05 30 2E 39 2E 31" // 4 version "0.9.1"
            + " 2A 12 0A 01 31" // 5 constraints { 1 minVersion "1",
            + " 12 0D 08 23 12 09" //   2 PerCapability entry { key 35, value {
            + " 0A 07 0A 01 6D 12 02 08 01"), //     1 models entry { key "m", value { 1 warm } } } } }
            Hex(caps));
    }

    [Fact]
    public void Small_messages_match_the_reference_numbers()
    {
        Assert.Equal(Hex("0A 01 01 12 01 02 1A 00 20 01"), Hex(new OrchestratorRequest
        {
            Address = Bytes(0x01),
            Sig = Bytes(0x02),
            Capabilities = new Capabilities(),
            IgnoreCapacityCheck = true,
        }));
        Assert.Equal(Hex("0A 01 AB 12 01 73 18 80 E2 CF AA 06"), Hex(new AuthToken
        {
            Token = Bytes(0xAB),
            SessionId = "s",
            Expiration = 1_700_000_000,
        }));
        Assert.Equal(Hex("08 E8 07 10 01 18 05 22 01 63"), Hex(new PriceInfo
        {
            PricePerUnit = 1000,
            PixelsPerUnit = 1,
            Capability = 5,
            Constraint = "c",
        }));
        Assert.Equal(Hex("08 01 82 01 03 0A 01 68"), Hex(new OSInfo
        {
            StorageType = OSInfo.Types.StorageType.S3,
            S3Info = new S3OSInfo { Host = "h" },
        }));
        Assert.Equal(Hex("32 01 64"), Hex(new S3OSInfo { XAmzDate = "d" }));
        Assert.Equal(Hex("82 01 03 0A 01 74"), Hex(new PaymentResult { Info = new OrchestratorInfo { Transcoder = "t" } }));
        Assert.Equal(Hex("0A 03 12 01 73"), Hex(new EndTranscodingSessionRequest { AuthToken = new AuthToken { SessionId = "s" } }));
        Assert.Equal(Hex("0A 01 09"), Hex(new PingPong { Value = Bytes(0x09) }));
        Assert.Equal(Hex("20 01 30 02"), Hex(new GPUComputeInfo { Major = 1, MemoryFree = 2 }));
        Assert.Empty(new EndTranscodingSessionResponse().ToByteArray());
    }

    [Fact]
    public void Zero_values_are_not_serialised()
    {
        Assert.Empty(new SegData { Seq = 0, Duration = 0, CalcPerceptualHash = false }.ToByteArray());
        Assert.Empty(new VideoProfile { Format = VideoProfile.Types.Format.Mpegts }.ToByteArray());
    }

    /// <summary>Every message, field number, label, type and enum value listed in livepeer-wire §1.</summary>
    [Fact]
    public void Every_message_matches_the_reference_table()
    {
        var expected = new Dictionary<string, string>
        {
            ["OrchestratorRequest"] = "address=1 bytes; sig=2 bytes; capabilities=3 Capabilities; ignoreCapacityCheck=4 bool",
            ["OrchestratorInfo"] = "transcoder=1 string; ticket_params=2 TicketParams; price_info=3 PriceInfo; address=4 bytes; "
                + "capabilities=5 Capabilities; auth_token=6 AuthToken; hardware=7 repeated HardwareInformation; "
                + "storage=32 repeated OSInfo; capabilities_prices=33 repeated PriceInfo; nodes=34 repeated string",
            ["AuthToken"] = "token=1 bytes; session_id=2 string; expiration=3 int64",
            ["PriceInfo"] = "pricePerUnit=1 int64; pixelsPerUnit=2 int64; capability=3 uint32; constraint=4 string",
            ["Capabilities"] = "bitstring=1 repeated uint64; mandatories=2 repeated uint64; capacities=3 map<uint32,uint32>; "
                + "version=4 string; constraints=5 Constraints",
            ["Capabilities.Constraints"] = "minVersion=1 string; PerCapability=2 map<uint32,CapabilityConstraints>",
            ["Capabilities.CapabilityConstraints"] = "models=1 map<string,ModelConstraint>",
            ["Capabilities.CapabilityConstraints.ModelConstraint"] =
                "warm=1 bool; capacity=2 uint32; runnerVersion=3 string; capacityInUse=4 uint32",
            ["HardwareInformation"] = "pipeline=1 string; model_id=2 string; gpu_info=3 map<string,GPUComputeInfo>",
            ["GPUComputeInfo"] = "id=1 string; name=2 string; major=4 uint32; minor=5 uint32; memory_free=6 int64; memory_total=7 int64",
            ["OSInfo"] = "storageType=1 StorageType; s3info=16 S3OSInfo",
            ["S3OSInfo"] = "host=1 string; key=2 string; policy=3 string; signature=4 string; credential=5 string; xAmzDate=6 string",
            ["TicketParams"] = "recipient=1 bytes; face_value=2 bytes; win_prob=3 bytes; recipient_rand_hash=4 bytes; seed=5 bytes; "
                + "expiration_block=6 bytes; expiration_params=7 TicketExpirationParams",
            ["TicketExpirationParams"] = "creation_round=1 int64; creation_round_block_hash=2 bytes",
            ["TicketSenderParams"] = "sender_nonce=1 uint32; sig=2 bytes",
            ["Payment"] = "ticket_params=1 TicketParams; sender=2 bytes; expiration_params=3 TicketExpirationParams; "
                + "ticket_sender_params=4 repeated TicketSenderParams; expected_price=5 PriceInfo",
            ["PaymentResult"] = "info=16 OrchestratorInfo",
            ["SegData"] = "manifestId=1 bytes; seq=2 int64; hash=3 bytes; profiles=4 bytes; sig=5 bytes; duration=6 int32; "
                + "capabilities=7 Capabilities; auth_token=8 AuthToken; calc_perceptual_hash=10 bool; storage=32 repeated OSInfo; "
                + "fullProfiles=33 repeated VideoProfile; fullProfiles2=34 repeated VideoProfile; fullProfiles3=35 repeated VideoProfile; "
                + "segment_parameters=37 SegParameters; ForceSessionReinit=38 bool",
            ["SegParameters"] = "from=1 uint64; to=2 uint64",
            ["VideoProfile"] = "name=16 string; width=17 int32; height=18 int32; bitrate=19 int32; fps=20 uint32; format=21 Format; "
                + "fpsDen=22 uint32; profile=23 Profile; gop=24 int32; encoder=25 VideoCodec; colorDepth=26 int32; "
                + "chromaFormat=27 ChromaSubsampling; quality=28 uint32",
            ["TranscodeResult"] = "seq=1 int64; error=2 oneof(result) string; data=3 oneof(result) TranscodeData; info=16 OrchestratorInfo",
            ["TranscodeData"] = "segments=1 repeated TranscodedSegmentData; sig=2 bytes",
            ["TranscodedSegmentData"] = "url=1 string; pixels=2 int64; perceptual_hash_url=3 string",
            ["EndTranscodingSessionRequest"] = "auth_token=1 AuthToken",
            ["EndTranscodingSessionResponse"] = "",
            ["PingPong"] = "value=1 bytes",
            ["RegisterRequest"] = "secret=1 string; capacity=2 int64; capabilities=3 Capabilities",
            ["NotifySegment"] = "url=1 string; segData=3 SegData; taskId=16 int64; profiles=17 bytes; orchId=18 string",
        };

        var file = LpRpcReflection.Descriptor;
        Assert.Equal("net", file.Package);

        var actual = AllMessages(file.MessageTypes)
            .Where(m => m.GetOptions()?.MapEntry != true)
            .ToDictionary(m => m.FullName["net.".Length..], Describe);
        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));

        Assert.Equal("MPEGTS=0 MP4=1", EnumValues(VideoProfile.Descriptor, "Format"));
        Assert.Equal("ENCODER_DEFAULT=0 H264_BASELINE=1 H264_MAIN=2 H264_HIGH=3 H264_CONSTRAINED_HIGH=4", EnumValues(VideoProfile.Descriptor, "Profile"));
        Assert.Equal("H264=0 H265=1 VP8=2 VP9=3", EnumValues(VideoProfile.Descriptor, "VideoCodec"));
        Assert.Equal("CHROMA_420=0 CHROMA_422=1 CHROMA_444=2", EnumValues(VideoProfile.Descriptor, "ChromaSubsampling"));
        Assert.Equal("DIRECT=0 S3=1 GOOGLE=2", EnumValues(OSInfo.Descriptor, "StorageType"));
    }

    [Fact]
    public void Orchestrator_service_methods_have_the_go_livepeer_paths()
    {
        Assert.Equal("net.Orchestrator", Orchestrator.Descriptor.FullName);
        Assert.Equal(
            ["GetOrchestrator:OrchestratorRequest->OrchestratorInfo",
             "EndTranscodingSession:EndTranscodingSessionRequest->EndTranscodingSessionResponse",
             "Ping:PingPong->PingPong"],
            Orchestrator.Descriptor.Methods.Select(m => $"{m.Name}:{m.InputType.Name}->{m.OutputType.Name}"));

        // What a client actually puts on the wire.
        var invoker = new RecordingInvoker();
        var client = new Orchestrator.OrchestratorClient(invoker);
        client.GetOrchestrator(new OrchestratorRequest());
        client.EndTranscodingSession(new EndTranscodingSessionRequest());
        client.Ping(new PingPong());
        Assert.Equal(["/net.Orchestrator/GetOrchestrator", "/net.Orchestrator/EndTranscodingSession", "/net.Orchestrator/Ping"], invoker.Paths);

        // What a server registers.
        var binder = new RecordingBinder();
        Orchestrator.BindService(binder, new NoOrchestrator());
        Assert.Equal(invoker.Paths, binder.Paths);
    }

    [Fact]
    public void Transcoder_service_streams_segment_notices_on_the_go_livepeer_path()
    {
        Assert.Equal("net.Transcoder", Transcoder.Descriptor.FullName);
        var method = Transcoder.Descriptor.Methods.Single();
        Assert.Equal("RegisterTranscoder:RegisterRequest->NotifySegment", $"{method.Name}:{method.InputType.Name}->{method.OutputType.Name}");
        Assert.True(method.IsServerStreaming);
        Assert.False(method.IsClientStreaming);
        var binder = new RecordingBinder();
        Transcoder.BindService(binder, new NoTranscoder());
        Assert.Equal(["/net.Transcoder/RegisterTranscoder"], binder.Paths);

        // A transcoder's registration and a notice, byte for byte (taskId and orchId sit past field 15: two-byte tags).
        Assert.Equal(Hex("0A 01 73 10 02"), Hex(new RegisterRequest { Secret = "s", Capacity = 2 }));
        Assert.Equal(Hex("0A 01 75 80 01 07 92 01 01 6F"), Hex(new NotifySegment { Url = "u", TaskId = 7, OrchId = "o" }));
    }

    [Fact]
    public void Headers_use_standard_padded_base64()
    {
        // 0A 02 FB FF → "CgL7" "/w==": the '/' and '=' show the RFC 4648 standard alphabet with padding.
        var ping = new PingPong { Value = Bytes(0xFB, 0xFF) };
        Assert.Equal("CgL7/w==", LivepeerHeaders.Encode(ping));
        Assert.Equal(ping, LivepeerHeaders.Decode("CgL7/w==", PingPong.Parser));

        Assert.False(LivepeerHeaders.TryDecode("CgL7_w", PingPong.Parser, out _, out var error));
        Assert.StartsWith("base64 decode error: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fully_populated_SegData_round_trips_through_the_segment_header()
    {
        var seg = new SegData
        {
            ManifestId = ByteString.CopyFromUtf8("stream-1"),
            Seq = 1234,
            Hash = ByteString.CopyFrom(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()),
            Profiles = ByteString.CopyFromUtf8("invalid"),
            Sig = ByteString.CopyFrom(Enumerable.Repeat((byte)0xEE, 65).ToArray()),
            Duration = 2000,
            Capabilities = new Capabilities { Bitstring = { 0x1001UL }, Capacities = { [0] = 2 }, Version = "0.9.1" },
            AuthToken = new AuthToken { Token = Bytes(1, 2, 3), SessionId = "0a1b2c3d", Expiration = 1_700_000_000 },
            CalcPerceptualHash = true,
            Storage =
            {
                new OSInfo
                {
                    StorageType = OSInfo.Types.StorageType.S3,
                    S3Info = new S3OSInfo { Host = "https://s3", Key = "k", Policy = "p", Signature = "s", Credential = "c", XAmzDate = "d" },
                },
            },
            FullProfiles = { P240p30fps16x9 },
            FullProfiles2 = { P240p30fps16x9 },
            FullProfiles3 =
            {
                P240p30fps16x9,
                new VideoProfile
                {
                    Name = "custom", Width = 1280, Height = 720, Bitrate = 4_000_000, Fps = 30_000, FpsDen = 1001,
                    Format = VideoProfile.Types.Format.Mp4, Profile = VideoProfile.Types.Profile.H264Main, Gop = -1,
                    Encoder = VideoProfile.Types.VideoCodec.H265, ColorDepth = 10,
                    ChromaFormat = VideoProfile.Types.ChromaSubsampling.Chroma422, Quality = 23,
                },
            },
            SegmentParameters = new SegParameters { From = 500, To = 1500 },
            ForceSessionReinit = true,
        };

        var header = LivepeerHeaders.Encode(seg);

        Assert.Equal(Convert.ToBase64String(seg.ToByteArray()), header);
        Assert.Equal(seg, LivepeerHeaders.Decode(header, SegData.Parser));
        Assert.True(LivepeerHeaders.TryDecode(header, SegData.Parser, out var decoded, out _));
        Assert.Equal(seg, decoded);
    }

    [Fact]
    public void Fully_populated_Payment_round_trips_through_the_payment_header()
    {
        var payment = new Payment
        {
            TicketParams = new TicketParams
            {
                Recipient = ByteString.CopyFrom(Enumerable.Repeat((byte)0x11, 20).ToArray()),
                FaceValue = Bytes(0x0D, 0xE0, 0xB6, 0xB3, 0xA7, 0x64, 0x00, 0x00), // 10^18
                WinProb = Bytes(0x7F, 0xFF),
                RecipientRandHash = ByteString.CopyFrom(Enumerable.Repeat((byte)0x22, 32).ToArray()),
                Seed = Bytes(0x33, 0x44),
                ExpirationBlock = Bytes(0x01, 0x00),
            },
            Sender = ByteString.CopyFrom(Enumerable.Repeat((byte)0x55, 20).ToArray()),
            ExpirationParams = new TicketExpirationParams
            {
                CreationRound = 4000,
                CreationRoundBlockHash = ByteString.CopyFrom(Enumerable.Repeat((byte)0x66, 32).ToArray()),
            },
            TicketSenderParams =
            {
                new TicketSenderParams { SenderNonce = 1, Sig = ByteString.CopyFrom(Enumerable.Repeat((byte)0x77, 65).ToArray()) },
                new TicketSenderParams { SenderNonce = 2, Sig = ByteString.CopyFrom(Enumerable.Repeat((byte)0x88, 65).ToArray()) },
            },
            ExpectedPrice = new PriceInfo { PricePerUnit = 1200, PixelsPerUnit = 1 },
        };

        var header = LivepeerHeaders.Encode(payment);

        Assert.Equal(Convert.ToBase64String(payment.ToByteArray()), header);
        Assert.Equal(payment, LivepeerHeaders.Decode(header, Payment.Parser));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void An_absent_or_empty_payment_header_is_an_empty_payment(string? header)
    {
        Assert.Equal(new Payment(), LivepeerHeaders.Decode(header, Payment.Parser));
        Assert.True(LivepeerHeaders.TryDecode(header, Payment.Parser, out var payment, out _));
        Assert.Equal(new Payment(), payment);
    }

    [Fact]
    public void A_truncated_message_is_a_protobuf_error()
    {
        // 0A 05 promises five bytes of ticket_params that never come.
        var header = Convert.ToBase64String([0x0A, 0x05]);

        Assert.Throws<InvalidProtocolBufferException>(() => LivepeerHeaders.Decode(header, Payment.Parser));
        Assert.False(LivepeerHeaders.TryDecode(header, Payment.Parser, out _, out var error));
        Assert.StartsWith("protobuf unmarshal error: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_names_and_content_types_match_the_reference()
    {
        Assert.Equal("Livepeer-Segment", LivepeerHeaders.Segment);
        Assert.Equal("Livepeer-Payment", LivepeerHeaders.Payment);
        Assert.Equal("/segment", LivepeerHeaders.SegmentPath);
        Assert.Equal("video/MP2T", LivepeerHeaders.SegmentBytesContentType);
        Assert.Equal("application/vnd+livepeer.uri", LivepeerHeaders.SegmentUriContentType);
    }

    private static IEnumerable<MessageDescriptor> AllMessages(IEnumerable<MessageDescriptor> messages) =>
        messages.SelectMany(m => AllMessages(m.NestedTypes).Prepend(m));

    private static string Describe(MessageDescriptor message) =>
        string.Join("; ", message.Fields.InFieldNumberOrder().Select(f => $"{f.Name}={f.FieldNumber} {Type(f)}"));

    private static string Type(FieldDescriptor field)
    {
        if (field.IsMap)
        {
            var entry = field.MessageType;
            return $"map<{Type(entry.FindFieldByNumber(1))},{Type(entry.FindFieldByNumber(2))}>";
        }

        var name = field.FieldType switch
        {
            FieldType.Message => field.MessageType.Name,
            FieldType.Enum => field.EnumType.Name,
            var scalar => scalar.ToString().ToLowerInvariant(),
        };
        var oneof = field.RealContainingOneof is { } o ? $"oneof({o.Name}) " : "";
        return (field.IsRepeated ? "repeated " : "") + oneof + name;
    }

    private static string EnumValues(MessageDescriptor owner, string enumName) =>
        string.Join(" ", owner.EnumTypes.Single(e => e.Name == enumName).Values.Select(v => $"{v.Name}={v.Number}"));

    private sealed class RecordingInvoker : CallInvoker
    {
        public List<string> Paths { get; } = [];

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            Paths.Add(method.FullName);
            return Activator.CreateInstance<TResponse>();
        }

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();
    }

    private sealed class RecordingBinder : ServiceBinderBase
    {
        public List<string> Paths { get; } = [];

        public override void AddMethod<TRequest, TResponse>(
            Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            Paths.Add(method.FullName);

        public override void AddMethod<TRequest, TResponse>(
            Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            Paths.Add(method.FullName);
    }

    private sealed class NoOrchestrator : Orchestrator.OrchestratorBase;

    private sealed class NoTranscoder : Transcoder.TranscoderBase;
}
