using System.Text;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Tests.Unit;

public sealed class WebhookUnitTests
{
    [Fact]
    public void Signature_is_hmac_sha256_of_the_raw_body_in_lowercase_hex()
    {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        var body = Encoding.UTF8.GetBytes("what do ya want for nothing?");
        var header = WebhookSignature.Sign("Jefe", body, 1700000000123);
        Assert.Equal("t=1700000000123,v1=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", header);
        Assert.True(WebhookSignature.Verify("Jefe", body, header));
        Assert.False(WebhookSignature.Verify("Jefe", Encoding.UTF8.GetBytes("tampered"), header));
        Assert.False(WebhookSignature.Verify("Jefe", body, "t=1,v1=zz"));
    }

    [Fact]
    public void Retry_delays_start_at_5s_double_and_cap_at_an_hour()
    {
        var options = new WebhookOptions();
        Assert.Equal([5, 10, 20, 40, 80], Enumerable.Range(1, 5).Select(a => options.RetryDelay(a).TotalSeconds));
        Assert.Equal(3600, options.RetryDelay(30).TotalSeconds);
        Assert.Equal(33, options.MaxRetries);
    }

    [Fact]
    public void Event_names_are_the_closed_studio_list()
    {
        Assert.True(WebhookEvents.IsKnown("stream.started"));
        Assert.True(WebhookEvents.IsKnown("task.failed"));
        Assert.False(WebhookEvents.IsKnown("stream.Started"));
        Assert.Equal(20, WebhookEvents.All.Count);
    }
}
