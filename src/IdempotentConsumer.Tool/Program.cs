using IdempotentConsumer.Tool;

return await ToolApp.RunAsync(args, Console.In, Console.Out, Console.Error, TimeProvider.System, CancellationToken.None).ConfigureAwait(false);
