using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SentinelSync.Asset.Certificates;

/// <summary>
/// Loads the platform CA from <c>asset.certificate_authority</c> at start-up, creating it on the very first
/// start. The private key is stored AES-256-GCM encrypted under <c>Asset:CaKeyEncryptionKey</c>, with the
/// certificate's SHA-256 as associated data.
/// </summary>
/// <remarks>
/// Replicas starting together race on <c>INSERT … ON CONFLICT DO NOTHING</c> of the single row and then all
/// read the winner's CA, so two CAs are never made. A key that does not decrypt the stored CA stops start-up;
/// a new CA is never made in its place.
/// </remarks>
internal sealed partial class CertificateAuthorityLoader : IHostedService
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PlatformCertificateAuthority _authority;
    private readonly IOptions<AssetOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CertificateAuthorityLoader> _logger;

    public CertificateAuthorityLoader(NpgsqlDataSource dataSource, PlatformCertificateAuthority authority, IOptions<AssetOptions> options, TimeProvider time, ILogger<CertificateAuthorityLoader> logger)
    {
        _dataSource = dataSource;
        _authority = authority;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!AssetOptionsValidator.TryDecodeKey(_options.Value.CaKeyEncryptionKey, out var key))
        {
            throw new OptionsValidationException(AssetOptions.Section, typeof(AssetOptions), ["Asset:CaKeyEncryptionKey: must be the base64 of exactly 32 bytes."]);
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var stored = await ReadAsync(connection, cancellationToken);
        if (stored is null)
        {
            var (certificate, privateKey) = PlatformCertificateAuthority.CreateAuthority(_time.GetUtcNow());
            using (certificate)
            using (privateKey)
            {
                var inserted = await InsertAsync(connection, certificate, privateKey, key, cancellationToken);
                if (inserted)
                {
                    LogCreated(_logger, Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)));
                }
            }

            stored = await ReadAsync(connection, cancellationToken)
                ?? throw new InvalidOperationException("The platform CA row vanished right after it was written.");
        }

        var (der, nonce, ciphertext, tag) = stored.Value;
        var pkcs8 = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(key, tag.Length);
            aes.Decrypt(nonce, ciphertext, tag, pkcs8, SHA256.HashData(der));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new OptionsValidationException(
                AssetOptions.Section,
                typeof(AssetOptions),
                ["Asset:CaKeyEncryptionKey: this key does not decrypt the platform CA stored in the database; set the key the platform was first started with (no new CA is made, because every enrolled agent trusts the existing one)."]);
        }

        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
        CryptographicOperations.ZeroMemory(pkcs8);
        var loaded = X509CertificateLoader.LoadCertificate(der);
        _authority.Load(loaded, ecdsa);
        LogLoaded(_logger, _authority.Fingerprint, loaded.NotAfter);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task<(byte[] Der, byte[] Nonce, byte[] Ciphertext, byte[] Tag)?> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT certificate_der, key_nonce, key_ciphertext, key_tag FROM asset.certificate_authority WHERE id = 1", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return (reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(3));
    }

    private async Task<bool> InsertAsync(NpgsqlConnection connection, X509Certificate2 certificate, ECDsa privateKey, byte[] key, CancellationToken cancellationToken)
    {
        var pkcs8 = privateKey.ExportPkcs8PrivateKey();
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var ciphertext = new byte[pkcs8.Length];
        using (var aes = new AesGcm(key, tag.Length))
        {
            aes.Encrypt(nonce, pkcs8, ciphertext, tag, SHA256.HashData(certificate.RawData));
        }

        CryptographicOperations.ZeroMemory(pkcs8);
        await using var command = new NpgsqlCommand(
            "INSERT INTO asset.certificate_authority (id, certificate_der, key_nonce, key_ciphertext, key_tag, created_at) VALUES (1, @der, @nonce, @ciphertext, @tag, @now) ON CONFLICT (id) DO NOTHING",
            connection);
        command.Parameters.AddWithValue("der", certificate.RawData);
        command.Parameters.AddWithValue("nonce", nonce);
        command.Parameters.AddWithValue("ciphertext", ciphertext);
        command.Parameters.AddWithValue("tag", tag);
        command.Parameters.AddWithValue("now", _time.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning, Message = "Created the platform CA (SHA-256 {Fingerprint}); keep Asset:CaKeyEncryptionKey safe, it is the only way to use it")]
    private static partial void LogCreated(ILogger logger, string fingerprint);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Loaded the platform CA (SHA-256 {Fingerprint}, valid until {NotAfter:u})")]
    private static partial void LogLoaded(ILogger logger, string fingerprint, DateTime notAfter);
}
