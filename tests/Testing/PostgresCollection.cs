using Xunit;

namespace SentinelSync.Testing;

/// <summary>
/// The <c>postgres</c> test collection: its tests share one <see cref="PostgresFixture"/>.
/// </summary>
/// <remarks>
/// xunit discovers collection definitions only in the test assembly itself, so each test assembly
/// declares a one-line public subclass, which inherits the name and the fixture:
/// <code>public sealed class PostgresCollectionDefinition : PostgresCollection;</code>
/// and marks its classes <c>[Collection(PostgresCollection.Name)]</c>, taking a
/// <see cref="PostgresFixture"/> in their constructors. Tests of one collection run one after
/// another; a class that may run in parallel with others uses
/// <c>IClassFixture&lt;PostgresFixture&gt;</c> instead, and still shares the same server.
/// </remarks>
[CollectionDefinition(Name)]
public abstract class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    /// <summary>The collection name, for <c>[Collection(PostgresCollection.Name)]</c>.</summary>
    public const string Name = "postgres";
}
