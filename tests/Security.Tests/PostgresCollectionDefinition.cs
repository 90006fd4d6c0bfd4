using SentinelSync.Testing;

namespace SentinelSync.Security.Tests;

[CollectionDefinition(PostgresCollection.Name)]
public sealed class PostgresCollectionDefinition : PostgresCollection;
