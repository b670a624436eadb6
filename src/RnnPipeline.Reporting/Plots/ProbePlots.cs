using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Series;
using RnnPipeline.Diagnostics;

namespace RnnPipeline.Reporting.Plots;

/// <summary>Long-range probe accuracy.</summary>
public static class ProbePlots
{
    /// <summary>Accuracy on the dependent character vs lag per run (mean, with min–max over seeds), chance level dotted.</summary>
    public static PlotModel AccuracyVersusLag(IReadOnlyList<RunRecording> runs, double solvedThreshold)
    {
        var model = PlotStyle.Model("Long-range probe: accuracy vs dependency lag", $"dotted: chance; dashed: solved (≥ {Narrative.Percent(solvedThreshold)}); bars: min–max over seeds");
        model.Axes.Add(new LogarithmicAxis { Position = AxisPosition.Bottom, Title = "lag k (characters, log scale)", Base = 2, MajorGridlineStyle = LineStyle.Solid, MajorGridlineColor = OxyColor.FromRgb(0xE6, 0xE6, 0xE6) });
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Left, "accuracy", 0, 1.02));
        var probed = runs.Select((r, i) => (Run: r, Index: i)).Where(x => x.Run.Probes.Count > 0).ToArray();
        foreach (var (run, index) in probed)
        {
            var color = PlotStyle.Color(index);
            var mean = new LineSeries { Title = PlotStyle.Label(run.Info), Color = color, StrokeThickness = 1.8, MarkerType = MarkerType.Circle, MarkerSize = 3.5, MarkerFill = color };
            foreach (var lag in run.Probes.GroupBy(p => p.Lag).OrderBy(g => g.Key))
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
        foreach (double chance in probed.SelectMany(x => x.Run.Probes).Select(p => p.Chance).Distinct())
            model.Annotations.Add(PlotStyle.Reference(chance, LineStyle.Dot, $"chance {Narrative.Percent(chance)}"));
        model.Annotations.Add(PlotStyle.Reference(solvedThreshold, LineStyle.Dash));
        return model;
    }
}
