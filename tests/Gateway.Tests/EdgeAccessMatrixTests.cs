using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Google.Api;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using SentinelSync.Contracts;
using SentinelSync.Contracts.Auth.V1;
using SentinelSync.Security;
using SentinelSync.Server.Tests;
using SentinelSync.Testing;

namespace SentinelSync.Gateway.Tests;

/// <summary>
/// The access matrix through a running edge: every RPC of the contracts, over gRPC and (when annotated) REST, for
/// every kind of caller, against one real single-node <c>sentinel</c>. The expectation is derived here from the
/// methods' access options and the documented role rules, not from the platform's own model, so a wrong derivation,
/// an edge that lets a call through, or a new RPC without an access rule fails the test.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class EdgeAccessMatrixTests
{
    private static readonly string[] ReadVerbs = ["read", "list", "watch"];
    private readonly PostgresFixture _postgres;

    public EdgeAccessMatrixTests(PostgresFixture postgres) => _postgres = postgres;

    private enum Expectation
    {
        Allowed,
        Unauthenticated,
        PermissionDenied,
    }

    // Both ways the edge reaches a role: in this process (the single-node default) and over the network to the
    // role's internal endpoint (a cluster's way; here to this process's own port).
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EveryContractMethod_EveryCallerThroughEdge_GetsExactlyItsAccess(bool localRolesInProcess)
    {
        var methods = ContractCatalog.Services.SelectMany(service => service.Methods).ToList();
        var undeclared = methods
            .Where(method => ContractCatalog.GetAccess(method) is not { } access || (ContractCatalog.GetCaller(access) == Caller.Operator && access.Permission.Length == 0))
            .Select(method => method.FullName)
            .ToList();
        Assert.True(undeclared.Count == 0, "Every RPC must declare (sentinel.auth.v1.access), operator methods with a permission: " + string.Join(", ", undeclared));

        // 1. One single-node server; callers of every kind.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var signingKey = SentinelProcess.NewKey();
        await using var server = await SentinelProcess.StartAsync([
            "--Database:ConnectionString", await _postgres.CreateDatabaseAsync(cts.Token),
            "--Security:InternalSigningKey", signingKey,
            "--Security:InitialAdminPassword", EdgeCalls.AdminPassword,
            "--Security:RateLimit:PermitsPerPrincipal", "100000",
            "--Security:RateLimit:PermitsPerAddress", "100000",
            "--Gateway:LocalRolesInProcess", localRolesInProcess ? "true" : "false",
        ]);
        using var channel = GrpcChannel.ForAddress(server.OperatorAddress);
        using var http = EdgeCalls.H2cClient(server.OperatorAddress);
        var admin = await EdgeCalls.LoginAsync(channel, "admin", EdgeCalls.AdminPassword);

        var all = methods.Select(ContractCatalog.GetAccess)
            .Where(access => ContractCatalog.GetCaller(access!) == Caller.Operator)
            .Select(access => access!.Permission)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var custom = all.Where((_, index) => index % 3 == 0).ToList();
        await new AuthService.AuthServiceClient(channel).PutRoleAsync(new PutRoleRequest { Name = "auditor", Permissions = { custom } }, EdgeCalls.Bearer(admin), EdgeCalls.Deadline);

        var agentSigner = new PrincipalSigner(Options.Create(new SecurityOptions { InternalSigningKey = signingKey }), TimeProvider.System);
        var agent = new SentinelPrincipal("CN=agent-1", PrincipalKind.Agent, [], new HashSet<string>());
        var callers = new List<EdgeCaller>
        {
            new("anonymous", _ => [], null),
            new("viewer (person)", Bearer(await EdgeCalls.CreatePersonAsync(channel, admin, "matrix-viewer", "viewer")), all.Where(p => Area(p) != "auth" && ReadVerbs.Contains(Verb(p))).ToHashSet(StringComparer.Ordinal)),
            new("operator (API key)", Bearer(await EdgeCalls.CreateApiKeyAsync(channel, admin, "operator")), all.Where(p => Area(p) != "auth").ToHashSet(StringComparer.Ordinal)),
            new("admin (person)", Bearer(admin), all.ToHashSet(StringComparer.Ordinal)),
            new("auditor (custom role, API key)", Bearer(await EdgeCalls.CreateApiKeyAsync(channel, admin, "auditor")), custom.ToHashSet(StringComparer.Ordinal)),

            // An agent's signed principal, even validly signed, proves nothing at the edge: agents authenticate with
            // their client certificate on the agent endpoint, so here it counts as no credential at all.
            new("agent (signed principal presented at the edge)", path =>
            {
                var (value, signature) = agentSigner.Sign(agent, path);
                return [new(PrincipalSigner.PrincipalHeader, value), new(PrincipalSigner.SignatureHeader, signature)];
            }, null),
        };

        // An agent gives the watch methods a first message to send, so admitted streams answer at once.
        await EdgeCalls.EnrollAgentAsync(channel, admin, "matrix-host");

        // 2. Every method × caller, gRPC and REST, a few at a time.
        var failures = new ConcurrentQueue<string>();
        var counts = new ConcurrentDictionary<Expectation, int>();
        using var gate = new SemaphoreSlim(8);
        var probes = new List<Task>();
        foreach (var method in methods)
        {
            var path = MethodAccessTable.Path(method);
            foreach (var caller in callers)
            {
                var expected = Expected(ContractCatalog.GetAccess(method)!, caller);
                counts.AddOrUpdate(expected, 1, (_, n) => n + 1);
                probes.Add(Gated(gate, async () =>
                {
                    var (status, message) = await EdgeProbe.GrpcAsync(http, path, caller.Headers(path));
                    var kind = status switch
                    {
                        StatusCode.Unauthenticated => Expectation.Unauthenticated,
                        StatusCode.PermissionDenied => Expectation.PermissionDenied,
                        _ => Expectation.Allowed,
                    };
                    Check(failures, "gRPC", path, method, caller, expected, kind, message);
                }));
                foreach (var (verb, restPath, body) in RestRequests(method))
                {
                    probes.Add(Gated(gate, async () =>
                    {
                        var (status, responseBody) = await EdgeProbe.RestAsync(http, verb, restPath, body, caller.Headers(path));
                        var kind = status switch
                        {
                            HttpStatusCode.Unauthorized => Expectation.Unauthenticated,
                            HttpStatusCode.Forbidden => Expectation.PermissionDenied,
                            _ => Expectation.Allowed,
                        };
                        Check(failures, $"REST {verb} {restPath}", path, method, caller, expected, kind, responseBody);
                    }));
                }
            }
        }

        await Task.WhenAll(probes).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(failures.IsEmpty, $"{failures.Count} of {probes.Count} calls got the wrong access:\n{string.Join("\n", failures.Order(StringComparer.Ordinal))}");
        Assert.All(Enum.GetValues<Expectation>(), kind => Assert.True(counts.GetValueOrDefault(kind) > 0, $"no case expects {kind}"));
    }

    /// <summary>What the edge must answer, from the method's access option and the caller's permissions.</summary>
    private static Expectation Expected(Access access, EdgeCaller caller) => ContractCatalog.GetCaller(access) switch
    {
        Caller.Anonymous => Expectation.Allowed,
        _ when caller.Permissions is null => Expectation.Unauthenticated,
        Caller.Operator when caller.Permissions.Contains(access.Permission) => Expectation.Allowed,
        _ => Expectation.PermissionDenied,
    };

    /// <summary>
    /// Compares the answer with the expectation. Refusals by access control name the method (edge and service alike),
    /// which tells them from a service's own UNAUTHENTICATED (Login with a wrong password) for methods open to anyone.
    /// </summary>
    private static void Check(ConcurrentQueue<string> failures, string how, string path, MethodDescriptor method, EdgeCaller caller, Expectation expected, Expectation actual, string message)
    {
        var byAccessControl = actual != Expectation.Allowed && message.Contains(path, StringComparison.Ordinal);
        var open = ContractCatalog.GetCaller(ContractCatalog.GetAccess(method)!) == Caller.Anonymous;
        var ok = expected switch
        {
            Expectation.Allowed => open ? !byAccessControl : actual == Expectation.Allowed,
            _ => actual == expected && byAccessControl,
        };
        if (!ok)
        {
            failures.Enqueue($"{path} [{how}] as {caller.Name}: expected {expected}, got {actual} ({message})");
        }
    }

    /// <summary>One REST request per binding of an annotated method: every path variable filled, an empty JSON body where one is taken.</summary>
    private static IEnumerable<(HttpMethod Verb, string Path, string? Body)> RestRequests(MethodDescriptor method)
    {
        var options = method.GetOptions();
        if (options is null || !options.HasExtension(AnnotationsExtensions.Http))
        {
            yield break;
        }

        var rule = options.GetExtension(AnnotationsExtensions.Http);
        foreach (var binding in new[] { rule }.Concat(rule.AdditionalBindings))
        {
            var (verb, template) = binding.PatternCase switch
            {
                HttpRule.PatternOneofCase.Get => (HttpMethod.Get, binding.Get),
                HttpRule.PatternOneofCase.Post => (HttpMethod.Post, binding.Post),
                HttpRule.PatternOneofCase.Put => (HttpMethod.Put, binding.Put),
                HttpRule.PatternOneofCase.Delete => (HttpMethod.Delete, binding.Delete),
                HttpRule.PatternOneofCase.Patch => (HttpMethod.Patch, binding.Patch),
                _ => (new HttpMethod(binding.Custom.Kind), binding.Custom.Path),
            };
            var filled = PathVariable().Replace(template, match => match.Groups["pattern"].Success ? match.Groups["pattern"].Value.Replace("**", "x", StringComparison.Ordinal).Replace("*", "x", StringComparison.Ordinal) : "x");
            yield return (verb, filled, binding.Body.Length > 0 ? "{}" : null);
        }
    }

    private static async Task Gated(SemaphoreSlim gate, Func<Task> probe)
    {
        await gate.WaitAsync();
        try
        {
            await probe();
        }
        finally
        {
            gate.Release();
        }
    }

    private static Func<string, IEnumerable<KeyValuePair<string, string>>> Bearer(string credential) =>
        _ => [new("authorization", "Bearer " + credential)];

    private static string Area(string permission) => permission.Split('.')[0];

    private static string Verb(string permission) => permission.Split('.')[^1];

    [GeneratedRegex(@"\{[^}=]+(=(?<pattern>[^}]*))?\}")]
    private static partial Regex PathVariable();

    /// <summary>A kind of caller: the headers it sends for a method path, and the permissions it holds (null: it proves nothing).</summary>
    private sealed record EdgeCaller(string Name, Func<string, IEnumerable<KeyValuePair<string, string>>> Headers, IReadOnlySet<string>? Permissions);
}
