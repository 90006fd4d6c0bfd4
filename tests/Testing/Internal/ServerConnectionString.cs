using System.Text;
using Npgsql;

namespace SentinelSync.Testing.Internal;

/// <summary>
/// Turns the value of <c>SENTINEL_TEST_PG</c> into an Npgsql connection string. It accepts the three
/// spellings people paste: Npgsql (<c>Host=h;Port=p;Username=u</c>), libpq keyword/value
/// (<c>host=h port=p user=u</c>) and a URI (<c>postgresql://u@h:p/db</c>).
/// </summary>
internal static class ServerConnectionString
{
    private const string DefaultDatabase = "postgres";

    private static readonly Dictionary<string, string> LibpqKeywords = new(StringComparer.Ordinal)
    {
        ["host"] = "Host",
        ["hostaddr"] = "Host",
        ["port"] = "Port",
        ["user"] = "Username",
        ["password"] = "Password",
        ["dbname"] = "Database",
        ["sslmode"] = "SSL Mode",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
    };

    /// <summary>Parses <paramref name="value"/>; the database defaults to <c>postgres</c>.</summary>
    /// <exception cref="ArgumentException">The value is none of the three spellings.</exception>
    public static string ToNpgsql(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        var trimmed = value.Trim();
        NpgsqlConnectionStringBuilder builder;
        if (trimmed.StartsWith("postgresql://", StringComparison.Ordinal) || trimmed.StartsWith("postgres://", StringComparison.Ordinal))
        {
            builder = FromUri(trimmed);
        }
        else if (LooksLikeLibpq(trimmed))
        {
            builder = ParseLibpq(trimmed);
        }
        else
        {
            builder = new NpgsqlConnectionStringBuilder(trimmed);
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new ArgumentException($"The connection string '{value}' names no host.", nameof(value));
        }

        if (string.IsNullOrEmpty(builder.Database))
        {
            builder.Database = DefaultDatabase;
        }

        return builder.ConnectionString;
    }

    private static NpgsqlConnectionStringBuilder FromUri(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"'{value}' is not a valid postgresql:// URI.", nameof(value));
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (!uri.IsDefaultPort && uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        return builder;
    }

    // Npgsql separates pairs with ';' and its keywords are not libpq's lowercase ones.
    private static bool LooksLikeLibpq(string value)
    {
        if (value.Contains(';', StringComparison.Ordinal))
        {
            return false;
        }

        var equals = value.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && LibpqKeywords.ContainsKey(value[..equals].Trim());
    }

    // libpq keyword/value: whitespace-separated key=value pairs; a value may be single-quoted, with
    // backslash escaping a quote or a backslash.
    private static NpgsqlConnectionStringBuilder ParseLibpq(string value)
    {
        var builder = new NpgsqlConnectionStringBuilder();
        var position = 0;
        while (true)
        {
            while (position < value.Length && char.IsWhiteSpace(value[position]))
            {
                position++;
            }

            if (position == value.Length)
            {
                return builder;
            }

            var equals = value.IndexOf('=', position);
            if (equals < 0)
            {
                throw new ArgumentException($"'{value[position..]}' in '{value}' is not a keyword=value pair.", nameof(value));
            }

            var key = value[position..equals].Trim();
            if (!LibpqKeywords.TryGetValue(key, out var npgsqlKey))
            {
                throw new ArgumentException(
                    $"'{key}' in '{value}' is not a supported libpq keyword ({string.Join(", ", LibpqKeywords.Keys)}).", nameof(value));
            }

            position = equals + 1;
            while (position < value.Length && value[position] == ' ')
            {
                position++;
            }

            var text = new StringBuilder();
            if (position < value.Length && value[position] == '\'')
            {
                position++;
                while (position < value.Length && value[position] != '\'')
                {
                    if (value[position] == '\\' && position + 1 < value.Length)
                    {
                        position++;
                    }

                    text.Append(value[position++]);
                }

                if (position == value.Length)
                {
                    throw new ArgumentException($"The quoted value of '{key}' in '{value}' is not closed.", nameof(value));
                }

                position++;
            }
            else
            {
                while (position < value.Length && !char.IsWhiteSpace(value[position]))
                {
                    text.Append(value[position++]);
                }
            }

            // libpq spells SSL modes verify-ca/verify-full; Npgsql's enum is VerifyCA/VerifyFull.
            builder[npgsqlKey] = key == "sslmode" ? text.ToString().Replace("-", "", StringComparison.Ordinal) : text.ToString();
        }
    }
}
