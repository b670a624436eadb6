using RnnPipeline.Diagnostics;
using RnnPipeline.Statistics;

namespace RnnPipeline.Reporting;

/// <summary>
/// Training steps whose loss spiked: bits/char more than <see cref="Factor"/> times the median of the
/// <see cref="Window"/> steps around it (<see cref="Quantile.RunningMedian"/>, the curve the bits/char plot draws for a
/// single run) and at least <see cref="MinimumRise"/> above it, so that a run whose loss is near 0 (a learned episode
/// lag: 0.01 against a median of 0.001) does not count as spiking. The report lists them, because the plots keep their
/// axes in the ordinary range.
/// </summary>
public static class LossSpikes
{
    /// <summary>How many times the running median a step's bits/char must exceed to count.</summary>
    public const double Factor = 10;

    /// <summary>Bits/char by which a step must exceed its running median to count.</summary>
    public const double MinimumRise = 1;

    /// <summary>Steps in the running median.</summary>
    public const int Window = 21;

    /// <summary>The spikes of <paramref name="run"/>: step and bits/char, in step order.</summary>
    public static IReadOnlyList<(int Step, double BitsPerChar, double Median)> Find(RunRecording run)
    {
        var points = run.Metrics.Where(m => double.IsFinite(m.BitsPerChar)).OrderBy(m => m.Step).ToArray();
        double[] medians = Quantile.RunningMedian(points.Select(p => p.BitsPerChar).ToArray(), Window);
        return points.Select((p, i) => (p.Step, p.BitsPerChar, Median: medians[i])).Where(p => p.BitsPerChar > Factor * p.Median && p.BitsPerChar - p.Median >= MinimumRise).ToArray();
    }
}
