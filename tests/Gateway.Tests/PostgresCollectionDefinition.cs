using SentinelSync.Testing;

namespace SentinelSync.Gateway.Tests;

[CollectionDefinition(PostgresCollection.Name)]
public sealed class PostgresCollectionDefinition : PostgresCollection;
