namespace SentinelSync.Storage;

/// <summary>The PostgreSQL database shared by the roles (each role owns its schema).</summary>
public sealed class DatabaseOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Database";

    /// <summary>An Npgsql connection string; empty when no role that needs a database runs.</summary>
    public string ConnectionString { get; set; } = string.Empty;
}
