using Npgsql;
using SentinelSync.Testing.Internal;
using Xunit;

namespace SentinelSync.Testing.Tests;

public sealed class ServerConnectionStringTests
{
    [Fact]
    public void ToNpgsql_NpgsqlForm_KeepsSettingsAndDefaultsDatabase()
    {
        var result = new NpgsqlConnectionStringBuilder(ServerConnectionString.ToNpgsql("Host=127.0.0.1;Port=25432;Username=postgres"));

        Assert.Equal("127.0.0.1", result.Host);
        Assert.Equal(25432, result.Port);
        Assert.Equal("postgres", result.Username);
        Assert.Equal("postgres", result.Database);
    }

    [Fact]
    public void ToNpgsql_LibpqKeywordValue_MapsKeywords()
    {
        var result = new NpgsqlConnectionStringBuilder(
            ServerConnectionString.ToNpgsql("host=db.local port=6543 user=admin password='it\\'s x' dbname=ops sslmode=verify-full"));

        Assert.Equal("db.local", result.Host);
        Assert.Equal(6543, result.Port);
        Assert.Equal("admin", result.Username);
        Assert.Equal("it's x", result.Password);
        Assert.Equal("ops", result.Database);
        Assert.Equal(SslMode.VerifyFull, result.SslMode);
    }

    [Fact]
    public void ToNpgsql_Uri_MapsParts()
    {
        var result = new NpgsqlConnectionStringBuilder(ServerConnectionString.ToNpgsql("postgresql://admin:p%40ss@127.0.0.1:7000/ops"));

        Assert.Equal("127.0.0.1", result.Host);
        Assert.Equal(7000, result.Port);
        Assert.Equal("admin", result.Username);
        Assert.Equal("p@ss", result.Password);
        Assert.Equal("ops", result.Database);
    }

    [Theory]
    [InlineData("host=127.0.0.1 colour=blue")]
    [InlineData("host=127.0.0.1 password='open")]
    public void ToNpgsql_InvalidLibpq_Throws(string value)
    {
        Assert.Throws<ArgumentException>(() => ServerConnectionString.ToNpgsql(value));
    }

    [Fact]
    public void ToNpgsql_NoHost_Throws()
    {
        Assert.Throws<ArgumentException>(() => ServerConnectionString.ToNpgsql("Port=5432;Username=postgres"));
    }
}
