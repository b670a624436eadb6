namespace RnnPipeline.Statistics;

/// <summary>Adjusted p-values for a family of tests: reject hypothesis i at level α when adjusted[i] ≤ α.</summary>
public static class MultipleTesting
{
    /// <summary>
    /// Holm's step-down adjustment (Holm 1979, "A simple sequentially rejective multiple test procedure", Scand. J.
    /// Statist. 6: 65–70): controls the family-wise error rate (the chance of any false rejection) at α under any
    /// dependence between the tests; uniformly more powerful than Bonferroni.
    /// </summary>
    public static double[] Holm(IReadOnlyList<double> p)
    {
        var order = Enumerable.Range(0, p.Count).OrderBy(i => p[i]).ToArray();
        var adjusted = new double[p.Count];
        double running = 0;
        for (int rank = 0; rank < order.Length; rank++)
        {
            running = Math.Max(running, Math.Min(1, (p.Count - rank) * p[order[rank]]));
            adjusted[order[rank]] = running;
        }
        return adjusted;
    }

    /// <summary>
    /// Benjamini–Hochberg step-up adjustment (Benjamini &amp; Hochberg 1995, JRSS B 57: 289–300): controls the false
    /// discovery rate (the expected share of false rejections among the rejections) at α for independent or positively
    /// dependent tests. Less strict than <see cref="Holm"/> when many hypotheses are false.
    /// </summary>
    public static double[] BenjaminiHochberg(IReadOnlyList<double> p)
    {
        var order = Enumerable.Range(0, p.Count).OrderByDescending(i => p[i]).ToArray();
        var adjusted = new double[p.Count];
        double running = 1;
        for (int k = 0; k < order.Length; k++)
        {
            int rank = p.Count - k;                                               // rank of this p among all, ascending (1-based)
            running = Math.Min(running, Math.Min(1, p[order[k]] * p.Count / rank));
            adjusted[order[k]] = running;
        }
        return adjusted;
    }
}
