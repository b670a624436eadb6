using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Series;
using RnnPipeline.Diagnostics;

namespace RnnPipeline.Reporting.Plots;

/// <summary>Long-range probe accuracy.</summary>
public static class ProbePlots
{
    /// <summary>
    /// Accuracy on the dependent character vs lag. Runs that differ only in their seed (same activation, initialisation,
    /// gain, corpus, clipping and size) are pooled into one line: the mean over seeds, with min–max bars; chance dotted.
    /// </summary>
    public static PlotModel AccuracyVersusLag(IReadOnlyList<RunRecording> runs, double solvedThreshold)
    {
        var model = PlotStyle.Model("Long-range probe: accuracy vs dependency lag", $"dotted: chance; dashed: solved (≥ {Narrative.Percent(solvedThreshold)}); bars: min–max over seeds");
        model.Axes.Add(new LogarithmicAxis { Position = AxisPosition.Bottom, Title = "lag k (characters, log scale)", Base = 2, MajorGridlineStyle = LineStyle.Solid, MajorGridlineColor = OxyColor.FromRgb(0xE6, 0xE6, 0xE6) });
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Left, "accuracy", 0, 1.02));
        var pools = runs.Where(r => r.Probes.Count > 0)
            .GroupBy(r => r.Info with { RunId = "", Seed = 0, ConfigHash = "" })
            .ToArray();
        for (int i = 0; i < pools.Length; i++)
        {
            var color = PlotStyle.Color(i);
            var seeds = pools[i].ToArray();
            string label = seeds.Length == 1
                ? PlotStyle.Label(seeds[0].Info)
                : $"{PlotStyle.Label(seeds[0].Info).Replace($"-s{seeds[0].Info.Seed}", "", StringComparison.Ordinal)} ({seeds.Length} seeds)";
            var mean = new LineSeries { Title = label, Color = color, StrokeThickness = 1.8, MarkerType = MarkerType.Circle, MarkerSize = 3.5, MarkerFill = color };
            foreach (var lag in seeds.SelectMany(r => r.Probes).GroupBy(p => p.Lag).OrderBy(g => g.Key))
            {
                mean.Points.Add(new DataPoint(lag.Key, lag.Average(p => p.Accuracy)));
                if (lag.Count() > 1)
                    model.Annotations.Add(new LineAnnotation
                    {
                        Type = LineAnnotationType.Vertical, X = lag.Key, MinimumY = lag.Min(p => p.Accuracy), MaximumY = lag.Max(p => p.Accuracy),
                        Color = OxyColor.FromAColor(120, color), StrokeThickness = 3, LineStyle = LineStyle.Solid,
                    });
            }
            model.Series.Add(mean);
        }
        foreach (double chance in runs.SelectMany(r => r.Probes).Select(p => p.Chance).Distinct())
            model.Annotations.Add(PlotStyle.Reference(chance, LineStyle.Dot, $"chance {Narrative.Percent(chance)}"));
        model.Annotations.Add(PlotStyle.Reference(solvedThreshold, LineStyle.Dash));
        return model;
    }
}
