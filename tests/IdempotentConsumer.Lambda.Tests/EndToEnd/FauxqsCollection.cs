using IdempotentConsumer.TestInfrastructure.Fixtures;

namespace IdempotentConsumer.Lambda.Tests.EndToEnd;

/// <summary>One fauxqs process for every end-to-end test of this assembly.</summary>
[CollectionDefinition(EmulatorCollections.Fauxqs)]
public sealed class FauxqsCollection : ICollectionFixture<FauxqsFixture>;
