using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace SentinelSync.Storage.Internal;

/// <summary>One embedded migration script: <c>migrations/{schema}/NNNN_name.sql</c>.</summary>
internal sealed record MigrationScript(int Version, string Name, string Sql, string Sha256)
{
    public static IReadOnlyList<MigrationScript> Load(string schema, Assembly assembly)
    {
        var prefix = $"migrations/{schema}/";
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(name => name.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var name = resource[prefix.Length..];
            var digits = name.TakeWhile(char.IsAsciiDigit).Count();
            if (digits == 0 || !name.EndsWith(".sql", StringComparison.Ordinal) || !int.TryParse(name.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration resource '{resource}' must be named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var sql = reader.ReadToEnd();
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
            scripts.Add(new MigrationScript(version, name, sql, sha256));
        }

        var duplicate = scripts.GroupBy(script => script.Version).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Schema '{schema}' has two migrations numbered {duplicate.Key}: {string.Join(", ", duplicate.Select(script => script.Name))}.");
        }

        return scripts.OrderBy(script => script.Version).ToArray();
    }
}
