using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Series;
using RnnPipeline.Diagnostics;
using RnnPipeline.Statistics;

namespace RnnPipeline.Reporting.Plots;

/// <summary>Long-range probe accuracy.</summary>
public static class ProbePlots
{
    /// <summary>
    /// Accuracy on the dependent character vs lag, one line per unit (<see cref="ProbeUnit"/>: runs that differ only in
    /// their seed): the median over seeds, a bar for the 95% interval of the seed median (<see cref="MedianInterval"/>;
    /// none with 5 seeds or fewer), each seed as a faint dot; chance dotted, the solved threshold dashed. Units are
    /// nudged apart along x so bars do not hide each other.
    /// </summary>
    public static PlotModel AccuracyVersusLag(IReadOnlyList<RunRecording> runs, double solvedThreshold)
    {
        var units = ProbeUnit.Pool(runs);
        int dependents = units.SelectMany(u => u.Lags).Select(l => l.Samples / Math.Max(1, l.Seeds)).DefaultIfEmpty(0).Min();
        var model = PlotStyle.Model("Long-range probe: accuracy vs dependency lag",
            $"line: median of seeds · bar: its 95% interval · dots: seeds ({dependents} dependents each) · dashed: solved (≥ {Narrative.Percent(solvedThreshold)})");
        model.Axes.Add(new LogarithmicAxis { Position = AxisPosition.Bottom, Title = "lag k (characters, log scale)", Base = 2, MajorGridlineStyle = LineStyle.Solid, MajorGridlineColor = OxyColor.FromRgb(0xE6, 0xE6, 0xE6) });
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Left, "accuracy", 0, 1.02));
        for (int i = 0; i < units.Count; i++)
        {
            var unit = units[i];
            var color = PlotStyle.Color(i);
            double nudge = Math.Pow(2, 0.06 * (i - (units.Count - 1) / 2.0));
            string label = unit.Seeds == 1 ? unit.Name : $"{unit.Name} ({unit.Seeds} seeds)";
            var mean = new LineSeries { Title = label, Color = color, StrokeThickness = 1.8, MarkerType = MarkerType.Circle, MarkerSize = 3.5, MarkerFill = color };
            var seeds = new ScatterSeries { MarkerType = MarkerType.Circle, MarkerSize = 2.5, MarkerFill = OxyColor.FromAColor(90, color), MarkerStroke = OxyColors.Undefined };
            foreach (var lag in unit.Lags)
            {
                double x = lag.Lag * nudge;
                mean.Points.Add(new DataPoint(x, lag.Median));
                foreach (double accuracy in lag.SeedAccuracies) seeds.Points.Add(new ScatterPoint(x, accuracy));
                if (lag.SeedInterval is not { } interval) continue;
                model.Annotations.Add(new LineAnnotation
                {
                    Type = LineAnnotationType.Vertical, X = x, MinimumY = interval.Low, MaximumY = interval.High,
                    Color = OxyColor.FromAColor(200, color), StrokeThickness = 2.5, LineStyle = LineStyle.Solid,
                });
            }
            model.Series.Add(mean);
            if (unit.Seeds > 1) model.Series.Add(seeds);
        }
        foreach (double chance in units.SelectMany(u => u.Lags).Select(l => l.Chance).Distinct())
        {
            var line = PlotStyle.Reference(chance, LineStyle.Dot, Math.Abs(1 / chance - Math.Round(1 / chance)) < 1e-9 ? $"chance 1/{Math.Round(1 / chance)}" : $"chance {Narrative.Percent(chance)}");
            // Label at the left, under the line: short lags are rarely at chance and nothing sits below chance for long.
            (line.TextLinePosition, line.TextHorizontalAlignment, line.TextVerticalAlignment) = (0.01, HorizontalAlignment.Left, VerticalAlignment.Top);
            model.Annotations.Add(line);
        }
        model.Annotations.Add(PlotStyle.Reference(solvedThreshold, LineStyle.Dash));
        return model;
    }

    /// <summary>
    /// Probe accuracy over training for one unit (runs that differ only in their seed, scored every
    /// <c>Probe.Every</c> steps and after the last): one line per lag, the median over seeds, in the unit's colour from
    /// light (short lags) to dark (long lags), so a reader sees when each lag is learned and whether it is forgotten.
    /// Null when the unit was scored only once.
    /// </summary>
    public static PlotModel? AccuracyOverTraining(ProbeUnit unit, int unitIndex, double solvedThreshold)
    {
        var rows = unit.Runs.SelectMany(r => r.Probes).ToArray();
        if (rows.Select(p => p.Step).Distinct().Count() < 2) return null;
        var model = PlotStyle.Model($"{unit.Name}: probe accuracy over training", $"median of {unit.Seeds} seed(s) per lag; dashed: solved (≥ {Narrative.Percent(solvedThreshold)})");
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Bottom, "training step"));
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Left, "accuracy", 0, 1.02));
        var color = PlotStyle.Color(unitIndex);
        int[] lags = rows.Select(p => p.Lag).Distinct().Order().ToArray();
        for (int k = 0; k < lags.Length; k++)
        {
            double shade = lags.Length == 1 ? 1 : 0.35 + 0.65 * k / (lags.Length - 1);         // light → dark with the lag
            var line = new LineSeries
            {
                Title = $"lag {lags[k]}", StrokeThickness = 1.6, MarkerType = MarkerType.Circle, MarkerSize = 2.5,
                Color = OxyColor.FromArgb(255, (byte)(255 - shade * (255 - color.R)), (byte)(255 - shade * (255 - color.G)), (byte)(255 - shade * (255 - color.B))),
            };
            line.MarkerFill = line.Color;
            foreach (var step in rows.Where(p => p.Lag == lags[k]).GroupBy(p => p.Step).OrderBy(g => g.Key))
            {
                line.Points.Add(new DataPoint(step.Key, Quantile.Median(step.Select(p => p.Accuracy))));
            }
            model.Series.Add(line);
        }
        model.Annotations.Add(PlotStyle.Reference(solvedThreshold, LineStyle.Dash));
        model.Annotations.Add(PlotStyle.Reference(rows[0].Chance, LineStyle.Dot, "chance"));
        return model;
    }
}
