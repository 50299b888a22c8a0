using OrderShipping.Demo.Options;

namespace OrderShipping.Demo.Tests;

public sealed class DemoOptionsParserTests
{
    [Fact]
    public void Given_no_arguments_Then_the_embedded_defaults_apply()
    {
        var (options, error) = DemoOptionsParser.Parse([]);

        Assert.Null(error);
        Assert.NotNull(options);
        Assert.Equal(1000, options.Orders);
        Assert.True(options.Idempotency);
        Assert.Equal(StoreKind.Sqlite, options.Store);
        Assert.Equal(QueueKind.InProcess, options.Queue);
    }

    [Fact]
    public void Given_every_flag_Then_each_is_read()
    {
        var (options, error) = DemoOptionsParser.Parse(
        [
            "--orders", "50", "--consumers", "3", "--seed", "9", "--no-idempotency",
            "--store", "dynamodb", "--dynamodb-url", "http://127.0.0.1:8000", "--dynamodb-table", "t",
            "--queue", "sqs", "--sqs-url", "http://127.0.0.1:9324", "--consumer", "lambda",
            "--duplicate-sends", "0.5", "--crash-rate", "0.1", "--slow-rate", "0", "--timeout", "20", "--no-progress",
        ]);

        Assert.Null(error);
        Assert.Equal(
            new DemoOptions
            {
                Orders = 50, Consumers = 3, Seed = 9, Idempotency = false,
                Store = StoreKind.DynamoDb, DynamoDbUrl = "http://127.0.0.1:8000", DynamoDbTable = "t",
                Queue = QueueKind.Sqs, SqsUrl = "http://127.0.0.1:9324", Consumer = ConsumerKind.Lambda,
                DuplicateSendRate = 0.5, CrashRate = 0.1, SlowRate = 0, Timeout = TimeSpan.FromSeconds(20), ShowProgress = false,
            },
            options);
    }

    [Theory]
    [InlineData("--orders", "0")]
    [InlineData("--orders", "many")]
    [InlineData("--store", "redis")]
    [InlineData("--store", "cassandra")]
    [InlineData("--redis-url", "127.0.0.1:6379")]
    [InlineData("--store", "postgres")]
    [InlineData("--postgres-url", "Host=127.0.0.1")]
    [InlineData("--queue", "kafka")]
    [InlineData("--consumer", "cron")]
    [InlineData("--crash-rate", "1.5")]
    [InlineData("--bogus")]
    [InlineData("--orders")]
    [InlineData("--sqs-url", "http://127.0.0.1:1")]
    [InlineData("--dynamodb-url", "http://127.0.0.1:1")]
    public void Given_a_bad_argument_Then_an_error_names_it(params string[] args)
    {
        var (options, error) = DemoOptionsParser.Parse(args);

        Assert.Null(options);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Given_help_Then_neither_options_nor_an_error_come_back()
    {
        var (options, error) = DemoOptionsParser.Parse(["--help"]);

        Assert.Null(options);
        Assert.Null(error);
    }

    [Fact]
    public void Given_fifo_Then_the_run_uses_a_fifo_queue_on_either_queue_kind()
    {
        var (standard, _) = DemoOptionsParser.Parse([]);
        var (inProcess, inProcessError) = DemoOptionsParser.Parse(["--fifo"]);
        var (sqs, sqsError) = DemoOptionsParser.Parse(["--fifo", "--queue", "sqs", "--sqs-url", "http://127.0.0.1:9324"]);

        Assert.False(standard!.Fifo);
        Assert.Null(inProcessError);
        Assert.Equal(new DemoOptions { Fifo = true }, inProcess);
        Assert.Null(sqsError);
        Assert.Equal(new DemoOptions { Fifo = true, Queue = QueueKind.Sqs, SqsUrl = "http://127.0.0.1:9324" }, sqs);
    }
}
