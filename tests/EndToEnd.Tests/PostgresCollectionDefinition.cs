using SentinelSync.Testing;

namespace SentinelSync.EndToEnd.Tests;

/// <summary>Every end-to-end test runs in this one collection: one after another, each with its own server and database.</summary>
[CollectionDefinition(PostgresCollection.Name)]
public sealed class PostgresCollectionDefinition : PostgresCollection;
