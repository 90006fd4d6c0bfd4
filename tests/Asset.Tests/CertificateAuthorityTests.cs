using Microsoft.Extensions.Options;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Testing;

namespace SentinelSync.Asset.Tests;

[Collection(PostgresCollection.Name)]
public sealed class CertificateAuthorityTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Start_SameKeyAfterRestart_SameCa()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Call);
        var database = await postgres.CreateDatabaseAsync(timeout.Token);
        var key = AssetTestHost.NewCaKey();
        string first;
        await using (var host = await AssetTestHost.StartAsync(database, key))
        {
            first = (await Enroll.CreateTokenAsync(host.Client)).CaFingerprint;
        }

        await using (var host = await AssetTestHost.StartAsync(database, key))
        {
            Assert.Equal(first, (await Enroll.CreateTokenAsync(host.Client)).CaFingerprint);
        }
    }

    [Fact]
    public async Task Start_ConcurrentFirstStarts_OneCa()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Call);
        var database = await postgres.CreateDatabaseAsync(timeout.Token);
        var key = AssetTestHost.NewCaKey();
        var hosts = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => AssetTestHost.StartAsync(database, key))).WaitAsync(TestTimeouts.Start);
        try
        {
            var fingerprints = await Task.WhenAll(hosts.Select(async host => (await Enroll.CreateTokenAsync(host.Client)).CaFingerprint));
            Assert.Single(fingerprints.Distinct());
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Start_WrongKey_FailsNamingTheSetting()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Call);
        var database = await postgres.CreateDatabaseAsync(timeout.Token);
        await using (await AssetTestHost.StartAsync(database, AssetTestHost.NewCaKey()))
        {
        }

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => AssetTestHost.StartAsync(database, AssetTestHost.NewCaKey()));
        Assert.Contains("Asset:CaKeyEncryptionKey: this key does not decrypt the platform CA", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64!")]
    public async Task Start_MissingOrInvalidKey_FailsNamingTheSetting(string key)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Call);
        var database = await postgres.CreateDatabaseAsync(timeout.Token);
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => AssetTestHost.StartAsync(database, key));
        Assert.Contains("Asset:CaKeyEncryptionKey:", ex.Message, StringComparison.Ordinal);
    }
}
