using SentinelSync.Testing;

namespace SentinelSync.Server.Tests;

[CollectionDefinition(PostgresCollection.Name)]
public sealed class PostgresCollectionDefinition : PostgresCollection;
