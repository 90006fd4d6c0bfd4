namespace SentinelSync.Security;

/// <summary>What kind of caller a <see cref="SentinelPrincipal"/> is.</summary>
public enum PrincipalKind
{
    /// <summary>A person who logged in (JWT).</summary>
    Person,

    /// <summary>Automation with an API key.</summary>
    ApiKey,

    /// <summary>A platform role calling another role (signed internal principal only).</summary>
    Service,

    /// <summary>An enrolled agent, authenticated by its client certificate.</summary>
    Agent,
}
