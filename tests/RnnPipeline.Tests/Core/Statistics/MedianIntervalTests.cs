using RnnPipeline.Statistics;

namespace RnnPipeline.Tests.Core.Statistics;

public sealed class MedianIntervalTests
{
    [Theory]
    [InlineData(6, 1, 1 - 2.0 / 64)]            // [min, max]: 0.969
    [InlineData(8, 1, 1 - 2.0 / 256)]           // j = 2 would give 1 − 2·9/256 = 0.930 < 0.95
    [InlineData(10, 2, 1 - 2 * 11.0 / 1024)]    // 0.979
    [InlineData(16, 4, 1 - 2 * 697.0 / 65536)]  // P(Bin(16, ½) ≤ 3) = (1 + 16 + 120 + 560)/65536
    public void Of_PicksTheWidestOrderStatisticsReaching95Percent(int n, int j, double coverage)
    {
        double[] values = Enumerable.Range(1, n).Select(i => i / 100.0).Reverse().ToArray();
        var interval = MedianInterval.Of(values)!;
        Assert.Equal(j / 100.0, interval.Low, 12);
        Assert.Equal((n + 1 - j) / 100.0, interval.High, 12);
        Assert.Equal(coverage, interval.Coverage, 12);
    }

    [Fact]
    public void Of_FiveOrFewerValues_HasNo95PercentInterval()
    {
        Assert.Null(MedianInterval.Of([0.1, 0.2, 0.3, 0.4, 0.5]));     // [min, max] covers 1 − 2/32 = 0.9375
        Assert.NotNull(MedianInterval.Of([0.1, 0.2, 0.3, 0.4, 0.5], confidence: 0.9));
    }

    [Fact]
    public void Coverage_MatchesSimulation()
    {
        // Median of U(0, 1) is 0.5: the share of 20,000 samples of 8 whose interval contains it estimates the coverage.
        var random = new Random(7);
        int hits = 0, trials = 20_000;
        for (int t = 0; t < trials; t++)
        {
            var i = MedianInterval.Of(Enumerable.Range(0, 8).Select(_ => random.NextDouble()).ToArray())!;
            if (i.Low <= 0.5 && 0.5 <= i.High) hits++;
        }
        Assert.InRange((double)hits / trials, 0.9922 - 0.003, 0.9922 + 0.003);
    }
}
