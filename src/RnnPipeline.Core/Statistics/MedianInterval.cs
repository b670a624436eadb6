namespace RnnPipeline.Statistics;

/// <summary>
/// A distribution-free confidence interval for the median of the distribution the values were drawn from (here: the
/// probe accuracy of a unit over seeds): [X_(j), X_(n+1−j)] of the sorted values, with j the largest index whose
/// coverage 1 − 2·P(Binomial(n, ½) ≤ j − 1) is at least the confidence asked (the order-statistic interval; e.g.
/// Conover, "Practical Nonparametric Statistics", §3.2). It needs no assumption on the shape of the seed
/// distribution, which for probe accuracies is skewed and bounded by chance and 1.
/// </summary>
/// <param name="Low">Lower bound X_(j).</param>
/// <param name="High">Upper bound X_(n+1−j).</param>
/// <param name="Coverage">Exact coverage of the interval (≥ the confidence asked).</param>
public sealed record MedianInterval(double Low, double High, double Coverage)
{
    /// <summary>The interval for <paramref name="values"/>, or null when n is too small to reach <paramref name="confidence"/> (n ≤ 5 at 95%).</summary>
    public static MedianInterval? Of(IReadOnlyList<double> values, double confidence = 0.95)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        double below = 0;                                                         // P(Binomial(n, ½) ≤ j − 1)
        int j = 0;
        while (j < n / 2)
        {
            double next = below + Binomial(n, j) / Math.Pow(2, n);
            if (1 - 2 * next < confidence) break;
            below = next;
            j++;
        }
        return j == 0 ? null : new MedianInterval(sorted[j - 1], sorted[n - j], 1 - 2 * below);
    }

    private static double Binomial(int n, int k)
    {
        double c = 1;
        for (int i = 1; i <= k; i++) c = c * (n - k + i) / i;
        return c;
    }
}
