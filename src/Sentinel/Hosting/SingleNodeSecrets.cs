using System.Security.Cryptography;

namespace SentinelSync.Server.Hosting;

/// <summary>
/// In single-node mode, the internal signing key (<c>Security:InternalSigningKey</c>) need not be configured: one is
/// generated once into the data directory (<c>internal-signing-key</c>, mode 600) and used on every start, so tokens
/// and signed principals survive restarts. Split deployments must configure the same key in every process.
/// </summary>
internal static class SingleNodeSecrets
{
    public const string SigningKeySetting = "Security:InternalSigningKey";

    /// <summary>Adds the stored (or new) key to <paramref name="configuration"/> when it has none.</summary>
    public static void AddSigningKeyIfMissing(ConfigurationManager configuration, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configuration[SigningKeySetting]))
        {
            return;
        }

        var path = Path.Combine(dataDirectory, "internal-signing-key");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dataDirectory);
            var temporary = path + ".tmp";
            using (var stream = new FileStream(temporary, OwnerOnlyFile.CreateOptions()))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            }

            File.Move(temporary, path, overwrite: false);
        }

        configuration.AddInMemoryCollection([new(SigningKeySetting, File.ReadAllText(path).Trim())]);
    }
}
