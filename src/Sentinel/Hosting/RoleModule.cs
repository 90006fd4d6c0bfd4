namespace SentinelSync.Server.Hosting;

/// <summary>How one role joins the process: its services, then its endpoints.</summary>
/// <param name="Name">The role's name in <c>--roles</c>.</param>
/// <param name="Add">Registers the role's services (<c>builder.Add&lt;Role&gt;()</c>).</param>
/// <param name="Map">Maps the role's endpoints (<c>app.Map&lt;Role&gt;()</c>).</param>
internal sealed record RoleModule(string Name, Action<WebApplicationBuilder> Add, Action<WebApplication> Map);
