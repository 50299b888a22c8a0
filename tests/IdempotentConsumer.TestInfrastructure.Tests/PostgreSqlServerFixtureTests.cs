using IdempotentConsumer.TestInfrastructure.Fixtures;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.TestInfrastructure.Tests;

/// <summary>PostgreSQL is initialised in a temporary directory, serves on 127.0.0.1, and leaves nothing behind.</summary>
public sealed class PostgreSqlServerFixtureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Given_a_PostgreSQL_fixture_When_started_Then_it_answers_queries_on_loopback_and_after_dispose_its_port_and_directory_are_gone()
    {
        var fixture = new PostgreSqlServerFixture();
        string? dataDirectory = null;

        await EmulatorLifecycle.RunAsync(fixture, output, async running =>
        {
            dataDirectory = running.DataDirectory;
            await using var connection = new NpgsqlConnection(running.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT current_setting('listen_addresses') || ' ' || current_setting('fsync') || ' ' || current_user || ' ' || split_part(version(), ' ', 2)", connection);
            var settings = (string)(await command.ExecuteScalarAsync())!;
            output.WriteLine(settings);

            Assert.StartsWith("127.0.0.1 off postgres 15.", settings, StringComparison.Ordinal);
            Assert.True(Directory.Exists(Path.Combine(running.DataDirectory, "base")));
        });

        Assert.False(Directory.Exists(Path.GetDirectoryName(dataDirectory!)), $"{dataDirectory} is still there after dispose.");
    }
}
