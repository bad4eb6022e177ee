namespace StreamGateway.Tests.Unit.Transcoding;

public sealed class PriceGuardTests
{
    [Theory]
    [InlineData(1000, 1000, null, null)]
    [InlineData(1000, 2000, null, null)]            // exactly twice is still accepted
    [InlineData(1000, 2001, null, "more than twice")]
    [InlineData(1000, 1500, 1200.0, "above the maximum")]
    [InlineData(0, 500, null, null)]                // a free session that starts charging is judged by the cap alone
    public void Price_rules(double first, double current, double? max, string? problem)
    {
        var result = StreamGateway.Core.Transcoding.PriceGuard.Problem(first, current, max);
        if (problem is null)
        {
            Assert.Null(result);
        }
        else
        {
            Assert.Contains(problem, result, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Price_per_pixel_is_the_fraction()
    {
        Assert.Equal(2.5, StreamGateway.Core.Transcoding.PriceGuard.PerPixel(new StreamGateway.Network.Wire.PriceInfo { PricePerUnit = 5, PixelsPerUnit = 2 }));
        Assert.Equal(0, StreamGateway.Core.Transcoding.PriceGuard.PerPixel(null));
    }
}
