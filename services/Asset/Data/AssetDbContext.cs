using Microsoft.EntityFrameworkCore;

namespace SentinelSync.Asset.Data;

/// <summary>
/// The registry state in schema <c>asset</c>. The tables come from the SQL scripts under <c>Migrations/</c>;
/// this context only maps onto them (no EF migrations).
/// </summary>
internal sealed class AssetDbContext(DbContextOptions<AssetDbContext> options) : DbContext(options)
{
    public const string Schema = "asset";

    public DbSet<AgentRow> Agents => Set<AgentRow>();

    public DbSet<EnrollmentTokenRow> EnrollmentTokens => Set<EnrollmentTokenRow>();

    public DbSet<ConfigRow> Configs => Set<ConfigRow>();

    public DbSet<ConfigVersionRow> ConfigVersions => Set<ConfigVersionRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);

        modelBuilder.Entity<AgentRow>(agent =>
        {
            agent.ToTable("agents");
            agent.HasKey(a => a.AgentId);
            agent.Property(a => a.AgentId).HasColumnName("agent_id");
            agent.Property(a => a.Hostname).HasColumnName("hostname");
            agent.Property(a => a.Addresses).HasColumnName("addresses");
            agent.Property(a => a.SearchText).HasColumnName("search_text");
            agent.Property(a => a.Labels).HasColumnName("labels").HasColumnType("jsonb");
            agent.Property(a => a.AgentVersion).HasColumnName("agent_version");
            agent.Property(a => a.OsVersion).HasColumnName("os_version");
            agent.Property(a => a.EnrollmentTokenId).HasColumnName("enrollment_token_id");
            agent.Property(a => a.CertificateSerial).HasColumnName("certificate_serial");
            agent.Property(a => a.CertificateExpiresAt).HasColumnName("certificate_expires_at");
            agent.Property(a => a.FirstSeen).HasColumnName("first_seen");
            agent.Property(a => a.LastSeen).HasColumnName("last_seen");
            agent.Property(a => a.AnnouncedState).HasColumnName("announced_state");
            agent.Property(a => a.DecommissionedAt).HasColumnName("decommissioned_at");
            agent.Property(a => a.DecommissionReason).HasColumnName("decommission_reason");
            agent.Property(a => a.CommittedSequence).HasColumnName("committed_sequence");
            agent.Property(a => a.AppliedConfigVersion).HasColumnName("applied_config_version");
            agent.Property(a => a.ConfigStatusVersion).HasColumnName("config_status_version");
            agent.Property(a => a.ConfigStatusApplied).HasColumnName("config_status_applied");
            agent.Property(a => a.ConfigRejectionReason).HasColumnName("config_rejection_reason");
            agent.Property(a => a.UpdatedAt).HasColumnName("updated_at");
        });

        modelBuilder.Entity<EnrollmentTokenRow>(token =>
        {
            token.ToTable("enrollment_tokens");
            token.HasKey(t => t.TokenId);
            token.Property(t => t.TokenId).HasColumnName("token_id");
            token.Property(t => t.SecretSha256).HasColumnName("secret_sha256");
            token.Property(t => t.Description).HasColumnName("description");
            token.Property(t => t.ExpiresAt).HasColumnName("expires_at");
            token.Property(t => t.MaxUses).HasColumnName("max_uses");
            token.Property(t => t.Uses).HasColumnName("uses");
            token.Property(t => t.Labels).HasColumnName("labels").HasColumnType("jsonb");
            token.Property(t => t.Revoked).HasColumnName("revoked");
            token.Property(t => t.CreatedAt).HasColumnName("created_at");
            token.Property(t => t.CreatedBy).HasColumnName("created_by");
        });

        modelBuilder.Entity<ConfigRow>(config =>
        {
            config.ToTable("configs");
            config.HasKey(c => c.ConfigId);
            config.Property(c => c.ConfigId).HasColumnName("config_id");
            config.Property(c => c.TargetAgentId).HasColumnName("target_agent_id");
            config.Property(c => c.TargetSelector).HasColumnName("target_selector");
            config.Property(c => c.CurrentVersion).HasColumnName("current_version");
            config.Property(c => c.CreatedAt).HasColumnName("created_at");
            config.Property(c => c.CreatedOrder).HasColumnName("created_order").ValueGeneratedOnAdd();
        });

        modelBuilder.Entity<ConfigVersionRow>(version =>
        {
            version.ToTable("config_versions");
            version.HasKey(v => new { v.ConfigId, v.Version });
            version.HasOne<ConfigRow>().WithMany().HasForeignKey(v => v.ConfigId);
            version.Property(v => v.ConfigId).HasColumnName("config_id");
            version.Property(v => v.Version).HasColumnName("version");
            version.Property(v => v.Document).HasColumnName("document");
            version.Property(v => v.Author).HasColumnName("author");
            version.Property(v => v.Comment).HasColumnName("comment");
            version.Property(v => v.CreatedAt).HasColumnName("created_at");
        });
    }
}
