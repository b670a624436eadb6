using RnnPipeline.Diagnostics;

namespace RnnPipeline.Reporting;

/// <summary>
/// Training steps whose loss spiked: bits/char more than <see cref="Factor"/> times the median of the
/// <see cref="Window"/> steps around it (a running median, so a spike does not raise its own reference much). The
/// report lists them, because the plots keep their axes in the ordinary range.
/// </summary>
public static class LossSpikes
{
    /// <summary>How many times the running median a step's bits/char must exceed to count.</summary>
    public const double Factor = 10;

    /// <summary>Steps in the running median.</summary>
    public const int Window = 21;

    /// <summary>The spikes of <paramref name="run"/>: step and bits/char, in step order.</summary>
    public static IReadOnlyList<(int Step, double BitsPerChar, double Median)> Find(RunRecording run)
    {
        var points = run.Metrics.Where(m => double.IsFinite(m.BitsPerChar)).OrderBy(m => m.Step).ToArray();
        var spikes = new List<(int, double, double)>();
        for (int i = 0; i < points.Length; i++)
        {
            int from = Math.Max(0, i - Window / 2), to = Math.Min(points.Length, i + Window / 2 + 1);
            var around = points[from..to].Select(p => p.BitsPerChar).Order().ToArray();
            double median = around[around.Length / 2];
            if (points[i].BitsPerChar > Factor * median) spikes.Add((points[i].Step, points[i].BitsPerChar, median));
        }
        return spikes;
    }
}
