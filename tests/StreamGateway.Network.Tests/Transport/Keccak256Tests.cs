using Nethereum.Util;
using StreamGateway.Network.Transport;

namespace StreamGateway.Network.Tests.Transport;

public sealed class Keccak256Tests
{
    [Theory]
    [InlineData("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")]
    [InlineData("abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")]
    public void Known_hashes(string text, string hex)
    {
        Assert.Equal(hex, Convert.ToHexStringLower(Keccak256.Hash(System.Text.Encoding.ASCII.GetBytes(text))));
    }

    /// <summary>Every length around the 136-byte block and the 64 KiB file buffer, against the Ethereum library's own Keccak.</summary>
    [Theory]
    [InlineData(135)]
    [InlineData(136)]
    [InlineData(137)]
    [InlineData(65_536)]
    [InlineData(65_537)]
    [InlineData(1_000_003)]
    public void Whole_and_from_a_file_it_agrees_with_the_ethereum_library(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var expected = new Sha3Keccack().CalculateHash(data);
        Assert.Equal(expected, Keccak256.Hash(data));
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, data);
            Assert.Equal(expected, Keccak256.HashFile(file));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
