using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf.WellKnownTypes;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.Asset.Tests;

/// <summary>Helpers to create tokens and enroll agents in tests.</summary>
internal static class Enroll
{
    public static string NewCsr(string subject = "CN=ignored")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }

    public static async Task<CreateEnrollmentTokenResponse> CreateTokenAsync(AssetService.AssetServiceClient client, int maxUses = 0, TimeSpan? ttl = null, IDictionary<string, string>? labels = null)
    {
        var request = new CreateEnrollmentTokenRequest
        {
            Description = "test",
            Ttl = Duration.FromTimeSpan(ttl ?? TimeSpan.FromHours(1)),
            MaxUses = maxUses,
        };
        if (labels is not null)
        {
            request.Labels.Add(labels);
        }

        return await client.CreateEnrollmentTokenAsync(request).ResponseAsync.WaitAsync(TestTimeouts.Call);
    }

    public static async Task<EnrollResponse> AgentAsync(AssetService.AssetServiceClient client, string secret, string hostname = "host-1")
    {
        return await client.EnrollAsync(new EnrollRequest { Token = secret, CsrPem = NewCsr(), Hostname = hostname }).ResponseAsync.WaitAsync(TestTimeouts.Call);
    }

    public static X509Certificate2 Certificate(string pem) => X509Certificate2.CreateFromPem(pem);
}
