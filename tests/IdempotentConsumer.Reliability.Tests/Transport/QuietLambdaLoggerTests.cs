using System.Reflection;
using Amazon.Lambda.Core;
using Xunit;

namespace IdempotentConsumer.Reliability.Tests.Transport;

/// <summary>
/// The storms' quiet logger implements the whole <see cref="ILambdaLogger"/> surface: Amazon.Lambda.Core's
/// defaults for the overloads with arguments call themselves (upstream issue #2032).
/// </summary>
public sealed class QuietLambdaLoggerTests
{
    [Fact]
    public void Given_the_quiet_logger_Then_no_member_is_left_to_the_interface_default()
    {
        var map = typeof(QuietLambdaLogger).GetInterfaceMap(typeof(ILambdaLogger));

        Assert.DoesNotContain(map.TargetMethods, method => method.DeclaringType == typeof(ILambdaLogger));
    }

    [Fact]
    public void Given_the_quiet_logger_When_every_member_is_called_through_the_interface_Then_each_returns()
    {
        ILambdaLogger logger = new QuietLambdaLogger();
        var members = typeof(ILambdaLogger).GetMethods();

        foreach (var member in members)
        {
            member.Invoke(logger, member.GetParameters().Select(Argument).ToArray());
        }

        Assert.Equal(26, members.Length);
    }

    private static object Argument(ParameterInfo parameter) => parameter.ParameterType switch
    {
        var t when t == typeof(string) => parameter.Name == "level" ? "Information" : "order {0}",
        var t when t == typeof(Amazon.Lambda.Core.LogLevel) => Amazon.Lambda.Core.LogLevel.Information,
        var t when t == typeof(Exception) => new InvalidOperationException("boom"),
        var t when t == typeof(object[]) => new object[] { 42 },
        var t => throw new InvalidOperationException($"No argument for {t}."),
    };
}
