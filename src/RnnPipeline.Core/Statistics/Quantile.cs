namespace RnnPipeline.Statistics;

/// <summary>Sample quantiles: one definition for every median and percentile the report shows.</summary>
public static class Quantile
{
    /// <summary>
    /// The <paramref name="q"/>-quantile of <paramref name="sorted"/> (ascending, not empty) by linear interpolation
    /// between order statistics (Hyndman &amp; Fan 1996, definition 7); q = ½ is the usual median.
    /// </summary>
    public static double Of(IReadOnlyList<double> sorted, double q)
    {
        double at = q * (sorted.Count - 1);
        int below = (int)Math.Floor(at);
        return below + 1 < sorted.Count ? sorted[below] + (at - below) * (sorted[below + 1] - sorted[below]) : sorted[below];
    }

    /// <summary>The median of <paramref name="values"/> (any order, not empty).</summary>
    public static double Median(IEnumerable<double> values) => Of(values.Order().ToArray(), 0.5);

    /// <summary>The median of the finite values among <paramref name="values"/>; NaN when there are none.</summary>
    public static double FiniteMedian(IEnumerable<double> values)
    {
        double[] finite = [.. values.Where(double.IsFinite)];
        return finite.Length == 0 ? double.NaN : Median(finite);
    }

    /// <summary>
    /// For each value, the median of it and the values around it: <paramref name="window"/> in all, fewer at the ends.
    /// Unlike a moving average it ignores an isolated spike.
    /// </summary>
    public static double[] RunningMedian(IReadOnlyList<double> values, int window)
    {
        var medians = new double[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            int from = Math.Max(0, i - window / 2), to = Math.Min(values.Count, i + window / 2 + 1);
            medians[i] = Median(Enumerable.Range(from, to - from).Select(k => values[k]));
        }
        return medians;
    }
}
