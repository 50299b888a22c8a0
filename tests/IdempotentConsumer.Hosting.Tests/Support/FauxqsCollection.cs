using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;

namespace IdempotentConsumer.Hosting.Tests.Support;

/// <summary>One fauxqs process for every integration test of this project.</summary>
[CollectionDefinition(EmulatorCollections.Fauxqs)]
public sealed class FauxqsCollection : ICollectionFixture<FauxqsFixture>;
