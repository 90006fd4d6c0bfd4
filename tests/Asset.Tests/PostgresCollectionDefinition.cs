using SentinelSync.Testing;

namespace SentinelSync.Asset.Tests;

[CollectionDefinition(PostgresCollection.Name)]
public sealed class PostgresCollectionDefinition : PostgresCollection;
