using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Contracts.Auth.V1;

namespace SentinelSync.Gateway.Tests;

/// <summary>Calls the tests make at the edge: log in, create API keys, plain h2c HTTP requests, gRPC statuses.</summary>
internal static class EdgeCalls
{
    public const string AdminPassword = "gateway-tests-admin-password";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static DateTime Deadline => DateTime.UtcNow.Add(Timeout);

    public static Metadata Bearer(string credential) => new() { { "authorization", "Bearer " + credential } };

    public static async Task<string> LoginAsync(GrpcChannel channel, string username, string password)
    {
        var response = await new AuthService.AuthServiceClient(channel)
            .LoginAsync(new LoginRequest { Username = username, Password = password }, deadline: Deadline);
        return response.Tokens.AccessToken;
    }

    public static async Task<string> CreateApiKeyAsync(GrpcChannel channel, string adminToken, string role)
    {
        var response = await new AuthService.AuthServiceClient(channel).CreateApiKeyAsync(
            new CreateApiKeyRequest { Name = role + "-key", Roles = { role }, Ttl = Duration.FromTimeSpan(TimeSpan.FromHours(1)) },
            Bearer(adminToken),
            Deadline);
        return response.Secret;
    }

    /// <summary>Creates a person with <paramref name="role"/>, changes the initial password as required, and logs in.</summary>
    public static async Task<string> CreatePersonAsync(GrpcChannel channel, string adminToken, string username, string role)
    {
        var auth = new AuthService.AuthServiceClient(channel);
        const string Initial = "initial-password-0123";
        const string Changed = "changed-password-0123";
        await auth.CreateUserAsync(new CreateUserRequest { Username = username, Password = Initial, Roles = { role } }, Bearer(adminToken), Deadline);
        await auth.ChangePasswordAsync(new ChangePasswordRequest { Username = username, CurrentPassword = Initial, NewPassword = Changed }, deadline: Deadline);
        return await LoginAsync(channel, username, Changed);
    }

    /// <summary>Enrolls an agent through the edge (an admin's token, then the anonymous Enroll with a fresh CSR); returns its id.</summary>
    public static async Task<string> EnrollAgentAsync(GrpcChannel channel, string adminToken, string hostname)
    {
        var assets = new AssetService.AssetServiceClient(channel);
        var token = await assets.CreateEnrollmentTokenAsync(
            new CreateEnrollmentTokenRequest { Description = "gateway test", Ttl = Duration.FromTimeSpan(TimeSpan.FromHours(1)), MaxUses = 1 },
            Bearer(adminToken),
            Deadline);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=ignored", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var enrolled = await assets.EnrollAsync(new EnrollRequest { Token = token.Secret, CsrPem = csr, Hostname = hostname }, deadline: Deadline);
        return enrolled.AgentId;
    }

    public static async Task<StatusCode> StatusOfAsync<T>(AsyncUnaryCall<T> call)
    {
        try
        {
            await call.ResponseAsync.WaitAsync(Timeout);
            return StatusCode.OK;
        }
        catch (RpcException error)
        {
            return error.StatusCode;
        }
    }

    public static HttpClient H2cClient(Uri address) => new()
    {
        BaseAddress = address,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = Timeout,
    };

    public static HttpRequestMessage Request(HttpMethod method, string path, string? bearer, string? json = null)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? bearer, string? json = null)
    {
        using var request = Request(method, path, bearer, json);
        return await http.SendAsync(request).WaitAsync(Timeout);
    }
}
