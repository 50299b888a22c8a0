using System.Text;
using IdempotentConsumer.Keys;
using Xunit;

namespace IdempotentConsumer.Tests.Keys;

/// <summary>Numbers are canonicalized from their decimal text: exact, never through double.</summary>
public sealed class CanonicalNumberTests
{
    [Theory]
    [InlineData("0", "0")]
    [InlineData("-0.0e5", "0")]
    [InlineData("1.0", "1")]
    [InlineData("1e0", "1")]
    [InlineData("1E+2", "100")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("0.10000000000000001", "0.10000000000000001")]
    [InlineData("123456789012345678901", "123456789012345678901")]
    [InlineData("1234567890123456789012", "1.234567890123456789012e+21")]
    [InlineData("1e400", "1e+400")]
    [InlineData("-12.3400e-1", "-1.234")]
    [InlineData("1e99999999999999999999999", "1e+99999999999999999999999")]
    public void Given_number_text_When_canonicalized_Then_it_is_the_exact_value_in_one_form(string text, string expected)
    {
        Assert.Equal(expected, CanonicalNumber.Canonicalize(Encoding.ASCII.GetBytes(text)));
    }
}
