using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SentinelSync.Security.Internal;

/// <summary>
/// At start-up, when no user exists, creates <c>admin</c> with the password from
/// <c>Security:InitialAdminPassword</c>, or with a generated one printed once to standard output that must be
/// changed at the first login. Replicas starting together insert at most one admin (the insert is idempotent),
/// and only the replica whose insert won prints.
/// </summary>
internal sealed class InitialAdminCreator : IHostedService
{
    public const string AdminUsername = "admin";

    private readonly AuthStore _store;
    private readonly SecurityOptions _options;
    private readonly InitialAdminOutput _output;
    private readonly TimeProvider _time;
    private readonly ILogger<InitialAdminCreator> _logger;

    public InitialAdminCreator(AuthStore store, IOptions<SecurityOptions> options, InitialAdminOutput output, TimeProvider time, ILogger<InitialAdminCreator> logger)
    {
        _store = store;
        _options = options.Value;
        _output = output;
        _time = time;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await _store.AnyUserAsync(cancellationToken))
        {
            return;
        }

        var generated = _options.InitialAdminPassword.Length == 0;
        var password = generated ? Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18)) : _options.InitialAdminPassword;
        var user = new UserRecord(AdminUsername, PasswordHasher.Hash(password), [BuiltInRoles.Admin], generated, _time.GetUtcNow());
        if (!await _store.TryCreateUserAsync(user, cancellationToken))
        {
            return;
        }

        if (generated)
        {
            await _output.Writer.WriteLineAsync($"initial admin password: {password}".AsMemory(), cancellationToken);
            await _output.Writer.FlushAsync(cancellationToken);
            SecurityLog.InitialAdminGenerated(_logger);
        }
        else
        {
            SecurityLog.InitialAdminConfigured(_logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
