using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StreamGateway.Orchestrator.Tls;

/// <summary>
/// go-O regenerates a self-signed ECDSA P-256 certificate at every start and go-B never verifies it
/// (livepeer-wire §6), so ours is made in memory the same way and never stored.
/// </summary>
public static class SelfSignedCertificate
{
    public static X509Certificate2 Create(string serviceHost)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=StreamGateway Orchestrator", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        if (IPAddress.TryParse(serviceHost, out var ip))
        {
            if (!ip.Equals(IPAddress.Loopback))
            {
                names.AddIpAddress(ip);
            }
        }
        else if (!string.Equals(serviceHost, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            names.AddDnsName(serviceHost);
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        // A PKCS#12 round trip gives a certificate whose private key every TLS backend accepts.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}
