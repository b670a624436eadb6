namespace RnnPipeline.Statistics;

/// <summary>Spearman's rank correlation with ties: Pearson's correlation of the mid-ranks.</summary>
public static class RankCorrelation
{
    /// <summary>
    /// ρ of <paramref name="x"/> and <paramref name="y"/> (equal lengths; +∞ is allowed and ranks above every finite
    /// value, tied with other +∞). NaN with fewer than 3 pairs or when either side is constant.
    /// </summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(y.Count, x.Count);
        if (x.Count < 3) return double.NaN;
        double[] rx = MidRanks(x), ry = MidRanks(y);
        double mx = rx.Average(), my = ry.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < rx.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Ranks 1..n of <paramref name="values"/>, ties sharing the mean of the ranks they span.</summary>
    public static double[] MidRanks(IReadOnlyList<double> values)
    {
        int[] order = [.. Enumerable.Range(0, values.Count).OrderBy(i => values[i])];
        var ranks = new double[values.Count];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && values[order[j + 1]].Equals(values[order[i]])) j++;
            for (int k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2.0 + 1;
            i = j + 1;
        }
        return ranks;
    }
}
