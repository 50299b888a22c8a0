using Amazon.Lambda.RuntimeSupport;
using Amazon.Lambda.Serialization.SystemTextJson;
using Amazon.Lambda.SQSEvents;

namespace OrderShippingConsumer;

/// <summary>
/// The executable shape (custom runtime <c>provided.al2023</c>, Native AOT): the official runtime client polls the
/// Runtime API and calls <see cref="Function.HandleAsync"/>. The managed <c>dotnet10</c> runtime ignores this entry
/// point and calls the handler directly.
/// </summary>
public static class Program
{
    /// <summary>Runs the bootstrap until the execution environment is shut down.</summary>
    public static async Task Main()
    {
        Function? function = null;
        using var bootstrap = LambdaBootstrapBuilder
            .Create<SQSEvent, SQSBatchResponse>(
                (sqsEvent, context) => function!.HandleAsync(sqsEvent, context),
                new SourceGeneratorLambdaJsonSerializer<LambdaJsonContext>())
            .UseBootstrapHandler(() =>
            {
                // Built in the init phase, so a configuration error is reported on /runtime/init/error.
                function = new Function();
                return Task.FromResult(true);
            })
            .Build();
        await bootstrap.RunAsync().ConfigureAwait(false);
    }
}
