using SentinelSync.Testing;
using Xunit;

namespace SentinelSync.Testing.Tests;

/// <summary>Declares the shared <c>postgres</c> collection in this assembly, where xunit looks for it.</summary>
[CollectionDefinition(PostgresCollection.Name)]
public sealed class PostgresCollectionDefinition : PostgresCollection;
