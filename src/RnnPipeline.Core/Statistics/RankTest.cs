namespace RnnPipeline.Statistics;

/// <summary>
/// The exact Wilcoxon–Mann–Whitney rank-sum test of two independent samples (Mann &amp; Whitney 1947; Wilcoxon 1945)
/// and the Hodges–Lehmann shift estimate (Hodges &amp; Lehmann 1963). p-values come from the exact permutation
/// distribution of the rank sum, ties included (mid-ranks; every split of the pooled values into groups of the two
/// sizes is equally likely under the null hypothesis that both samples come from one distribution), computed by
/// counting subsets rather than by a normal approximation: exact for the few seeds a probe comparison has.
/// </summary>
/// <param name="U">Mann–Whitney U of the first sample: pairs (a, b) with a &gt; b, plus ½ per tie.</param>
/// <param name="Greater">One-sided p: probability under the null of a U at least as large (first sample larger).</param>
/// <param name="Less">One-sided p: probability under the null of a U at most as large (first sample smaller).</param>
/// <param name="PairCount">n·m, the number of (a, b) pairs.</param>
public sealed record RankTest(double U, double Greater, double Less, int PairCount)
{
    /// <summary>Two-sided p: twice the smaller one-sided p, at most 1.</summary>
    public double TwoSided => Math.Min(1, 2 * Math.Min(Greater, Less));

    /// <summary>Probability of superiority U / (n·m): the chance that a random value of the first sample beats one of the second (ties count ½; Vargha &amp; Delaney 2000, A).</summary>
    public double Superiority => U / PairCount;

    /// <summary>Exact test of <paramref name="a"/> against <paramref name="b"/>.</summary>
    /// <exception cref="ArgumentException">A sample is empty or holds a non-finite value.</exception>
    public static RankTest Exact(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count == 0 || b.Count == 0) throw new ArgumentException("both samples need at least one value");
        if (a.Concat(b).Any(v => !double.IsFinite(v))) throw new ArgumentException("samples must be finite");
        int n = a.Count, total = a.Count + b.Count;
        int[] ranks = DoubledMidRanks(a.Concat(b).ToArray());                  // 2 × mid-rank: integers even with ties
        int observed = ranks.Take(n).Sum();
        double[] ways = SubsetSums(ranks, n);                                    // ways[s]: n-subsets with doubled rank sum s
        double all = ways.Sum(), atLeast = 0, atMost = 0;
        for (int s = 0; s < ways.Length; s++)
        {
            if (s >= observed) atLeast += ways[s];
            if (s <= observed) atMost += ways[s];
        }
        double u = observed / 2.0 - n * (n + 1) / 2.0;                          // U = R − n(n+1)/2
        return new RankTest(u, atLeast / all, atMost / all, n * (total - n));
    }

    /// <summary>
    /// Hodges–Lehmann estimate of the shift a − b: the median of the n·m pairwise differences, with its distribution-free
    /// confidence interval [D_(k), D_(nm+1−k)] from the exact null distribution of U (k the largest count with
    /// P(U &lt; k) ≤ (1 − confidence)/2; exact coverage without ties, conservative with them). With too few values for the
    /// confidence asked, the interval is the range of the differences.
    /// </summary>
    public static (double Estimate, double Low, double High) Shift(IReadOnlyList<double> a, IReadOnlyList<double> b, double confidence = 0.95)
    {
        var d = a.SelectMany(x => b.Select(y => x - y)).Order().ToArray();
        double median = d.Length % 2 == 1 ? d[d.Length / 2] : (d[d.Length / 2 - 1] + d[d.Length / 2]) / 2;
        // Null distribution of U without ties: rank sums of n-subsets of 1..N (doubled ranks 2, 4, …).
        int n = a.Count, total = a.Count + b.Count;
        double[] ways = SubsetSums(Enumerable.Range(1, total).Select(r => 2 * r).ToArray(), n);
        double all = ways.Sum(), below = 0, tail = (1 - confidence) / 2;
        int k = 0, minimum = n * (n + 1);                                        // doubled minimal rank sum ⇔ U = 0
        while (k < d.Length && below + ways[minimum + 2 * k] <= tail * all) below += ways[minimum + 2 * k++];
        return k == 0 ? (median, d[0], d[^1]) : (median, d[k - 1], d[d.Length - k]);
    }

    private static int[] DoubledMidRanks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new int[values.Length];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]]) j++;
            for (int t = i; t <= j; t++) ranks[order[t]] = i + j + 2;            // 2 × mean of ranks i+1 … j+1
            i = j + 1;
        }
        return ranks;
    }

    /// <summary>ways[s] = number of subsets of size <paramref name="size"/> of <paramref name="items"/> whose sum is s (doubles: exact below 2^53).</summary>
    private static double[] SubsetSums(int[] items, int size)
    {
        int max = items.Sum();
        var ways = new double[size + 1, max + 1];
        ways[0, 0] = 1;
        foreach (int item in items)
            for (int k = size; k >= 1; k--)
                for (int s = max; s >= item; s--)
                    ways[k, s] += ways[k - 1, s - item];
        return Enumerable.Range(0, max + 1).Select(s => ways[size, s]).ToArray();
    }
}
