using System.Reflection;
using Amazon.Lambda.Core;
using IdempotentConsumer.Lambda.Logging;
using IdempotentConsumer.Lambda.LocalRunner;
using IdempotentConsumer.Lambda.Tests.Support;

namespace IdempotentConsumer.Lambda.Tests.Logging;

/// <summary>
/// Amazon.Lambda.Core's default implementations of the overloads with arguments call themselves (upstream
/// issue #2032): a logger that leaves any member to the interface overflows the stack. These tests call every
/// member on every logger type we ship, and check that none is left to the interface.
/// </summary>
public sealed class LambdaLoggerSurfaceTests
{
    [Fact]
    public void Given_the_overload_list_Then_it_covers_every_member_of_ILambdaLogger()
    {
        Assert.Equal(LambdaLoggerOverloads.InterfaceMemberCount, LambdaLoggerOverloads.All.Count);
    }

    [Theory]
    [MemberData(nameof(LambdaLoggerOverloads.Names), MemberType = typeof(LambdaLoggerOverloads))]
    public void Given_a_TextWriterLambdaLogger_When_an_overload_is_called_Then_the_filled_message_is_written(string overload)
    {
        var (_, call, expected) = LambdaLoggerOverloads.Named(overload);
        using var writer = new StringWriter();

        call(new TextWriterLambdaLogger(writer));

        Assert.All(expected, text => Assert.Contains(text, writer.ToString(), StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(LambdaLoggerOverloads.Names), MemberType = typeof(LambdaLoggerOverloads))]
    public void Given_the_CapturingLambdaLogger_When_an_overload_is_called_Then_it_keeps_the_filled_message(string overload)
    {
        var (_, call, expected) = LambdaLoggerOverloads.Named(overload);
        var logger = new CapturingLambdaLogger();

        call(logger);

        var written = string.Join(Environment.NewLine, logger.Lines);
        Assert.All(expected, text => Assert.Contains(text, written, StringComparison.Ordinal));
    }

    [Fact]
    public void Given_an_exception_overload_Then_the_stack_trace_is_written_too()
    {
        using var writer = new StringWriter();

        new TextWriterLambdaLogger(writer).LogError(Thrown(), "order {0} failed", "o-1");

        Assert.Contains("Error: order o-1 failed", writer.ToString(), StringComparison.Ordinal);
        Assert.Contains(nameof(Thrown), writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Given_every_logger_type_we_ship_Then_none_leaves_a_member_to_the_interface_default()
    {
        var assemblies = new[] { typeof(LambdaLoggerBase).Assembly, typeof(TextWriterLambdaLogger).Assembly, typeof(LambdaLoggerSurfaceTests).Assembly };
        var loggers = assemblies
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(ILambdaLogger).IsAssignableFrom(type))
            .ToList();

        Assert.Contains(typeof(TextWriterLambdaLogger), loggers);
        Assert.Contains(typeof(CapturingLambdaLogger), loggers);
        Assert.All(loggers, type =>
        {
            var map = type.GetInterfaceMap(typeof(ILambdaLogger));
            var leftToInterface = map.TargetMethods.Where(method => method.DeclaringType == typeof(ILambdaLogger)).Select(Describe).ToList();
            Assert.True(leftToInterface.Count == 0, $"{type.Name} leaves {string.Join(", ", leftToInterface)} to ILambdaLogger's default.");
        });
    }

    [Theory]
    [InlineData("order {0} of {1}", new object[] { "o-1", 3 }, "order o-1 of 3")]
    [InlineData("order {OrderId} for {UserId}", new object[] { "o-1", "u-9" }, "order o-1 for u-9")]
    [InlineData("{1} then {0}", new object[] { "a", "b" }, "b then a")]
    [InlineData("took {Elapsed:0.00} ms", new object[] { 1.5 }, "took 1.50 ms")]
    [InlineData("{{literal}} {0}", new object[] { 7 }, "{literal} 7")]
    [InlineData("missing {0} {1}", new object[] { "x" }, "missing x {1}")]
    [InlineData("{@Order}", new object[] { "o-1" }, "o-1")]
    [InlineData("no placeholders", new object[] { 1 }, "no placeholders")]
    [InlineData("unclosed {0", new object[] { 1 }, "unclosed {0")]
    public void Given_a_message_template_When_filled_Then_placeholders_take_their_arguments(string template, object[] args, string expected)
    {
        Assert.Equal(expected, LambdaMessageTemplate.Format(template, args));
    }

    private static Exception Thrown()
    {
        try
        {
            throw new InvalidOperationException("carrier down");
        }
        catch (InvalidOperationException exception)
        {
            return exception;
        }
    }

    private static string Describe(MethodInfo method) =>
        $"{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})";
}
