using RnnPipeline.Statistics;

namespace RnnPipeline.Tests.Core.Statistics;

public sealed class RankTestTests
{
    /// <summary>The exact one-sided p by brute force: every split of the pooled values into groups of the two sizes.</summary>
    private static (double Greater, double Less) Enumerated(double[] a, double[] b)
    {
        double[] all = [.. a, .. b];
        double U(IEnumerable<double> x, IEnumerable<double> y) => x.Sum(p => y.Sum(q => p > q ? 1 : p == q ? 0.5 : 0));
        double observed = U(a, b);
        int n = a.Length, total = all.Length, splits = 0, greater = 0, less = 0;
        for (int mask = 0; mask < 1 << total; mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) != n) continue;
            var first = Enumerable.Range(0, total).Where(i => (mask >> i & 1) == 1).Select(i => all[i]);
            var second = Enumerable.Range(0, total).Where(i => (mask >> i & 1) == 0).Select(i => all[i]);
            double u = U(first, second);
            splits++;
            if (u >= observed - 1e-9) greater++;
            if (u <= observed + 1e-9) less++;
        }
        return ((double)greater / splits, (double)less / splits);
    }

    [Theory]
    [InlineData(new[] { 0.9, 0.8, 0.7 }, new[] { 0.3, 0.2, 0.1 }, 0.05)]                  // 1/C(6,3)
    [InlineData(new[] { 0.9, 0.8, 0.7, 0.6 }, new[] { 0.3, 0.2, 0.1, 0.0 }, 1.0 / 70)]     // 1/C(8,4)
    [InlineData(new[] { 8.0, 7, 6, 5, 4, 3, 2, 1 }, new[] { -1.0, -2, -3, -4, -5, -6, -7, -8 }, 1.0 / 12870)]
    public void Exact_CompleteSeparation_HasTheFloorOneOverNChooseK(double[] a, double[] b, double expected)
    {
        var test = RankTest.Exact(a, b);
        Assert.Equal(expected, test.Greater, 12);
        Assert.Equal(1.0, test.Less, 12);
        Assert.Equal(Math.Min(1, 2 * expected), test.TwoSided, 12);
        Assert.Equal(1.0, test.Superiority);
    }

    [Fact]
    public void Exact_MatchesMannWhitneysPublishedTable()
    {
        // Mann & Whitney (1947), Table I, n = m = 5: P(U ≤ 2) = 4/252 = 0.016 and P(U ≤ 4) = 12/252 = 0.048.
        double[] b = [10, 11, 12, 13, 14];
        Assert.Equal(4.0 / 252, RankTest.Exact([1, 2, 3, 4, 11.5], b).Less, 12);      // U = 2
        Assert.Equal(12.0 / 252, RankTest.Exact([1, 2, 3, 4, 13.5], b).Less, 12);     // U = 4
        Assert.Equal(4, RankTest.Exact([1, 2, 3, 4, 13.5], b).U);
    }

    [Theory]
    [InlineData(new[] { 0.5, 0.7, 0.7, 0.9 }, new[] { 0.7, 0.1, 0.5, 0.3 })]             // ties across and within groups
    [InlineData(new[] { 1.0, 1.0, 1.0, 0.96, 0.99 }, new[] { 1.0, 0.2, 0.97, 0.96 })]
    [InlineData(new[] { 0.1, 0.2, 0.3 }, new[] { 0.25, 0.35, 0.05, 0.4, 0.15 })]
    [InlineData(new[] { 0.06, 0.06, 0.06 }, new[] { 0.06, 0.06, 0.06 })]                 // all tied: p = 1 both ways
    public void Exact_EqualsEnumerationOfEverySplit_WithTies(double[] a, double[] b)
    {
        var test = RankTest.Exact(a, b);
        var (greater, less) = Enumerated(a, b);
        Assert.Equal(greater, test.Greater, 12);
        Assert.Equal(less, test.Less, 12);
    }

    [Fact]
    public void Shift_IsTheMedianOfPairwiseDifferences_WithTheExactOrderStatisticInterval()
    {
        double[] a = [1.0, 1.2, 1.5, 1.9, 2.2, 2.8, 3.0, 3.1], b = [0.1, 0.4, 0.5, 0.9, 1.1, 1.3, 1.7, 2.0];
        var d = a.SelectMany(x => b.Select(y => x - y)).Order().ToArray();
        var (estimate, low, high) = RankTest.Shift(a, b);
        Assert.Equal((d[31] + d[32]) / 2, estimate, 12);
        // 8 × 8, two-sided 95%: P(U ≤ 13) = 0.0249 ≤ 0.025 < P(U ≤ 14) (Hollander & Wolfe's table), so k = 14: [D(14), D(51)].
        Assert.Equal(d[13], low, 12);
        Assert.Equal(d[50], high, 12);
    }

    [Fact]
    public void Shift_WithTooFewValues_IsTheRangeOfTheDifferences()
    {
        var (estimate, low, high) = RankTest.Shift([0.9, 0.8], [0.1, 0.2]);   // 2 × 2: P(U = 0) = 1/6 > 0.025
        Assert.Equal((0.7, 0.6, 0.8), (Math.Round(estimate, 12), Math.Round(low, 12), Math.Round(high, 12)));
    }

    [Fact]
    public void Exact_RefusesEmptyOrNonFiniteSamples()
    {
        Assert.Throws<ArgumentException>(() => RankTest.Exact([], [1.0]));
        Assert.Throws<ArgumentException>(() => RankTest.Exact([double.NaN], [1.0]));
    }
}
