using SentinelSync.Testing;

namespace SentinelSync.Storage.Tests;

[CollectionDefinition(PostgresCollection.Name)]
public sealed class PostgresCollectionDefinition : PostgresCollection;
