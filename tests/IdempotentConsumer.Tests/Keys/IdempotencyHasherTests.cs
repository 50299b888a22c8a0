using System.Security.Cryptography;
using System.Text;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Keys;
using Xunit;

namespace IdempotentConsumer.Tests.Keys;

/// <summary>Hashing key material.</summary>
public sealed class IdempotencyHasherTests
{
    [Theory]
    [InlineData("")]
    [InlineData("o-1")]
    [InlineData("ünïcödé 😀")]
    public void Given_material_When_hashed_with_sha256_Then_it_is_the_lowercase_hex_sha256_of_its_utf8(string material)
    {
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material))), IdempotencyHasher.Hash(material, IdempotencyHashAlgorithm.Sha256));
    }

    [Fact]
    public void Given_material_longer_than_the_stack_buffer_When_hashed_Then_it_matches_the_reference_hash()
    {
        var material = new string('x', 100_000);

        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(material))), IdempotencyHasher.Hash(material, IdempotencyHashAlgorithm.Md5));
    }

    [Fact]
    public void Given_material_with_a_lone_surrogate_When_hashed_Then_it_throws_key_invalid()
    {
        Assert.Throws<IdempotencyKeyInvalidException>(() => IdempotencyHasher.Hash("a\udc00b", IdempotencyHashAlgorithm.Sha256));
    }

    [Fact]
    public void Given_a_very_long_prefix_When_a_key_is_composed_Then_it_is_the_prefix_followed_by_the_hash()
    {
        var prefix = new string('p', 1000) + "#";

        Assert.Equal(prefix + IdempotencyHasher.Hash("k", IdempotencyHashAlgorithm.Sha256), IdempotencyHasher.HashWithPrefix(prefix, "k", IdempotencyHashAlgorithm.Sha256));
    }
}
