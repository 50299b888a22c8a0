using System.Globalization;
using System.Numerics;
using System.Text;

namespace IdempotentConsumer.Keys;

/// <summary>
/// Writes a JSON number's exact decimal value in one form, working on its text so no precision is lost and
/// nothing overflows to Infinity: <c>1</c>, <c>1.0</c> and <c>1e0</c> all become <c>1</c>, while <c>0.1</c>
/// and <c>0.10000000000000001</c> stay apart. Plain notation when the decimal point falls within 21 digits
/// left or 6 zeros right of the digits (<c>100</c>, <c>0.000001</c>), else <c>d.ddde±n</c> (<c>1e+21</c>, <c>1e-7</c>).
/// Negative zero is zero.
/// </summary>
internal static class CanonicalNumber
{
    /// <summary>Integer digits written in plain notation before switching to an exponent.</summary>
    internal const int MaxPlainIntegerDigits = 21;

    /// <summary>Zeros after <c>0.</c> written in plain notation before switching to an exponent.</summary>
    internal const int MaxPlainLeadingZeros = 5;

    /// <summary>True when <paramref name="number"/> (valid JSON number text) is already in canonical form.</summary>
    public static bool IsCanonical(ReadOnlySpan<byte> number)
    {
        var i = 0;
        var negative = number[0] == (byte)'-';
        if (negative)
        {
            i++;
        }

        var integerStart = i;
        while (i < number.Length && IsDigit(number[i]))
        {
            i++;
        }

        var integerDigits = i - integerStart;
        var integerIsZero = integerDigits == 1 && number[integerStart] == (byte)'0';
        if (integerDigits > MaxPlainIntegerDigits)
        {
            return false;
        }

        if (i == number.Length)
        {
            // "-0" is zero.
            return !(negative && integerIsZero);
        }

        if (number[i] != (byte)'.')
        {
            return false;
        }

        var fraction = number[(i + 1)..];
        if (fraction.Length == 0 || fraction[^1] == (byte)'0' || fraction.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            return false;
        }

        return !integerIsZero || fraction.IndexOfAnyExcept((byte)'0') <= MaxPlainLeadingZeros;
    }

    /// <summary>Returns the canonical text of <paramref name="number"/> (valid JSON number text).</summary>
    public static string Canonicalize(ReadOnlySpan<byte> number)
    {
        if (IsCanonical(number))
        {
            return Encoding.ASCII.GetString(number);
        }

        var negative = number[0] == (byte)'-';
        var body = negative ? number[1..] : number;
        var exponentAt = body.IndexOfAny((byte)'e', (byte)'E');
        var mantissa = exponentAt < 0 ? body : body[..exponentAt];
        var exponent = exponentAt < 0 ? BigInteger.Zero : ParseExponent(body[(exponentAt + 1)..]);

        var point = mantissa.IndexOf((byte)'.');
        var digits = new StringBuilder(mantissa.Length);
        foreach (var b in mantissa)
        {
            if (b != (byte)'.')
            {
                digits.Append((char)b);
            }
        }

        if (point >= 0)
        {
            exponent -= mantissa.Length - point - 1;
        }

        var text = digits.ToString().TrimStart('0');
        if (text.Length == 0)
        {
            return "0";
        }

        var trimmed = text.TrimEnd('0');
        exponent += text.Length - trimmed.Length;
        return (negative ? "-" : string.Empty) + Format(trimmed, exponent);
    }

    // value = digits × 10^exponent, digits without leading or trailing zeros.
    private static string Format(string digits, BigInteger exponent)
    {
        var pointPosition = digits.Length + exponent;
        if (pointPosition > -MaxPlainLeadingZeros - 1 && pointPosition <= MaxPlainIntegerDigits)
        {
            var position = (int)pointPosition;
            if (exponent >= 0)
            {
                return digits + new string('0', (int)exponent);
            }

            return position > 0
                ? string.Concat(digits.AsSpan(0, position), ".", digits.AsSpan(position))
                : string.Concat("0.", new string('0', -position), digits);
        }

        var scientificExponent = pointPosition - 1;
        var sign = scientificExponent.Sign >= 0 ? "+" : "-";
        var mantissa = digits.Length == 1 ? digits : string.Concat(digits.AsSpan(0, 1), ".", digits.AsSpan(1));
        return string.Concat(mantissa, "e", sign, BigInteger.Abs(scientificExponent).ToString(CultureInfo.InvariantCulture));
    }

    private static BigInteger ParseExponent(ReadOnlySpan<byte> text) =>
        BigInteger.Parse(Encoding.ASCII.GetString(text), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
