using RnnPipeline.Text;

namespace RnnPipeline.Tests.Core;

public sealed class SampleTextTests
{
    private static string SamplesFolder([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "samples"));

    [Theory]
    [InlineData("lighthouse-log.txt", 120_000, 7)]
    [InlineData("tiny.txt", 3_000, 11)]
    public void Generate_WithShippedParameters_ReproducesShippedSample(string file, int length, int seed)
    {
        string shipped = File.ReadAllText(Path.Combine(SamplesFolder(), file));
        Assert.Equal(SampleTextGenerator.Generate(length, seed), shipped);
    }

    [Fact]
    public void Generate_SameSeed_IsDeterministicAndLongEnough()
    {
        string a = SampleTextGenerator.Generate(50_000, 3);
        Assert.Equal(a, SampleTextGenerator.Generate(50_000, 3));
        Assert.True(a.Length >= 50_000);
        Assert.NotEqual(a, SampleTextGenerator.Generate(50_000, 4));
    }
}
