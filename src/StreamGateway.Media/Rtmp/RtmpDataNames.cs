namespace StreamGateway.Media.Rtmp;

internal static class RtmpDataNames
{
    public const string SetDataFrame = "@setDataFrame";
    public const string OnMetaData = "onMetaData";
}
