using RnnPipeline.Statistics;

namespace RnnPipeline.Tests.Core.Statistics;

public sealed class ProportionIntervalTests
{
    [Theory]   // Newcombe (1998), Statistics in Medicine 17: 857–872, Table II, method 3 (score interval without continuity correction)
    [InlineData(81, 263, 0.2553, 0.3662)]
    [InlineData(15, 148, 0.0624, 0.1605)]
    [InlineData(0, 20, 0.0000, 0.1611)]
    [InlineData(1, 29, 0.0061, 0.1718)]
    public void Wilson_MatchesPublishedScoreIntervals(int successes, int trials, double low, double high)
    {
        var interval = ProportionInterval.Wilson(successes, trials);
        Assert.Equal(low, interval.Low, 4);
        Assert.Equal(high, interval.High, 4);
    }

    [Theory]
    [InlineData(30, 40)]
    [InlineData(150, 300)]
    [InlineData(19, 300)]
    [InlineData(299, 300)]
    public void Wilson_BoundsAreTheRootsOfTheScoreEquation(int successes, int trials)
    {
        // Wilson's bounds solve (p̂ − p)² = z² p (1 − p) / n, i.e. (n + z²) p² − (2 n p̂ + z²) p + n p̂² = 0: solved here
        // with the quadratic formula in float64, independently of the centre ± half-width form under test.
        double z = 1.959963984540054, n = trials, phat = successes / n;
        double a = n + z * z, b = -(2 * n * phat + z * z), c = n * phat * phat;
        double root = Math.Sqrt(b * b - 4 * a * c);
        var interval = ProportionInterval.Wilson(successes, trials);
        Assert.Equal((-b - root) / (2 * a), interval.Low, 12);
        Assert.Equal((-b + root) / (2 * a), interval.High, 12);
    }

    [Fact]
    public void Wilson_AtTheEnds_IsExactAndInsideZeroOne()
    {
        // 0 of n: [0, z²/(n + z²)]; n of n: [n/(n + z²), 1].
        double z2 = ProportionInterval.Z95 * ProportionInterval.Z95;
        var none = ProportionInterval.Wilson(0, 300);
        Assert.Equal(0.0, none.Low);
        Assert.Equal(z2 / (300 + z2), none.High, 12);
        var all = ProportionInterval.Wilson(300, 300);
        Assert.Equal(300 / (300 + z2), all.Low, 12);
        Assert.Equal(1.0, all.High);
        Assert.Equal(new ProportionInterval(0, 1), ProportionInterval.Wilson(0, 0));
    }

    [Fact]
    public void Wilson_RejectsImpossibleCounts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProportionInterval.Wilson(5, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProportionInterval.Wilson(-1, 4));
    }
}
