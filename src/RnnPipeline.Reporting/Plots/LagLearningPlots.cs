using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Series;
using RnnPipeline.Statistics;

namespace RnnPipeline.Reporting.Plots;

/// <summary>
/// The one-lag experiment (<c>Corpus.Episodes</c>): which lags each unit learns when trained on that lag alone, and the
/// gradient that reaches the key on the same runs.
/// </summary>
public static class LagLearningPlots
{
    private static LogarithmicAxis LagAxis() => new()
    {
        Position = AxisPosition.Bottom, Title = "lag k trained on (characters, log scale)", Base = 2,
        MajorGridlineStyle = LineStyle.Solid, MajorGridlineColor = OxyColor.FromRgb(0xE6, 0xE6, 0xE6),
    };

    private static double Nudge(int unit, int units) => Math.Pow(2, 0.05 * (unit - (units - 1) / 2.0));

    /// <summary>
    /// Share of seeds that learned each lag (final accuracy on fresh episodes ≥ the threshold), one line per unit, with
    /// the 95% Wilson interval over seeds as a bar.
    /// </summary>
    public static PlotModel ShareLearned(IReadOnlyList<(string Name, IReadOnlyList<LagLearning> Lags)> units, double threshold)
    {
        var model = PlotStyle.Model("Which lag can each unit learn, trained on it alone?",
            $"seeds reaching {Narrative.Percent(threshold)} on fresh episodes · bar: 95% Wilson interval");
        model.Axes.Add(LagAxis());
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Left, "share of seeds that learned the lag", 0, 1.02));
        for (int i = 0; i < units.Count; i++)
        {
            var color = PlotStyle.Color(i);
            var line = new LineSeries { Title = $"{units[i].Name} ({units[i].Lags.Max(l => l.Seeds.Count)} seeds)", Color = color, StrokeThickness = 1.8, MarkerType = MarkerType.Circle, MarkerSize = 3.5, MarkerFill = color };
            foreach (var lag in units[i].Lags)
            {
                double x = lag.Lag * Nudge(i, units.Count);
                var (share, interval) = lag.Share;
                line.Points.Add(new DataPoint(x, share));
                model.Annotations.Add(new LineAnnotation
                {
                    Type = LineAnnotationType.Vertical, X = x, MinimumY = interval.Low, MaximumY = interval.High,
                    Color = OxyColor.FromAColor(160, color), StrokeThickness = 2.5,
                });
            }
            model.Series.Add(line);
        }
        return model;
    }

    /// <summary>
    /// The gradient that reaches the key at the start of training (log10 of ‖∂L/∂h_0‖ / ‖∂L/∂h_{k−1}‖, median of the
    /// first steps), per unit and lag: the median over seeds as a line, each seed as a faint dot.
    /// </summary>
    public static PlotModel KeyGradientVersusLag(IReadOnlyList<(string Name, IReadOnlyList<LagLearning> Lags)> units)
    {
        var model = PlotStyle.Model("Why: the gradient that reaches the key",
            $"log10 ‖∂L/∂h_0‖ / ‖∂L/∂h_(k−1)‖, first {LagLearning.EarlySteps} steps · line: median · dots: seeds");
        model.Axes.Add(LagAxis());
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Left, "log10 gradient at the key (relative)"));
        for (int i = 0; i < units.Count; i++)
        {
            var color = PlotStyle.Color(i);
            var line = new LineSeries { Title = units[i].Name, Color = color, StrokeThickness = 1.8, MarkerType = MarkerType.Circle, MarkerSize = 3.5, MarkerFill = color };
            var seeds = new ScatterSeries { MarkerType = MarkerType.Circle, MarkerSize = 2.5, MarkerFill = OxyColor.FromAColor(90, color), MarkerStroke = OxyColors.Undefined };
            foreach (var lag in units[i].Lags.Where(l => double.IsFinite(l.EarlyKeyGradient)))
            {
                double x = lag.Lag * Nudge(i, units.Count);
                line.Points.Add(new DataPoint(x, lag.EarlyKeyGradient));
                foreach (var s in lag.Seeds.Where(s => double.IsFinite(s.EarlyKeyGradient))) seeds.Points.Add(new ScatterPoint(x, s.EarlyKeyGradient));
            }
            model.Series.Add(line);
            model.Series.Add(seeds);
        }
        model.Annotations.Add(PlotStyle.Reference(0, LineStyle.Dot));
        return model;
    }

    /// <summary>
    /// One unit's gradient at the key over training, one line per lag (median over seeds of log10 ratio, in bins of
    /// <paramref name="bin"/> steps), light (short lags) to dark (long lags), to read beside its accuracy over training.
    /// </summary>
    public static PlotModel KeyGradientOverTraining(string name, IReadOnlyList<LagLearning> lags, int unitIndex, int bin)
    {
        var model = PlotStyle.Model($"{name}: gradient reaching the key over training", $"median over seeds of log10 ‖∂L/∂h_0‖ / ‖∂L/∂h_(k−1)‖, {bin}-step bins");
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Bottom, "training step"));
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Left, "log10 gradient at the key (relative)"));
        var color = PlotStyle.Color(unitIndex);
        for (int k = 0; k < lags.Count; k++)
        {
            double shade = lags.Count == 1 ? 1 : 0.35 + 0.65 * k / (lags.Count - 1);
            var line = new LineSeries
            {
                Title = $"lag {lags[k].Lag}", StrokeThickness = 1.6,
                Color = OxyColor.FromArgb(255, (byte)(255 - shade * (255 - color.R)), (byte)(255 - shade * (255 - color.G)), (byte)(255 - shade * (255 - color.B))),
            };
            var points = lags[k].Seeds.SelectMany(s => s.Run.GradientFlow.Select(f => (Bin: f.Step / bin, Value: SeedLearning.KeyGradient(f))))
                .Where(p => double.IsFinite(p.Value)).GroupBy(p => p.Bin).OrderBy(g => g.Key);
            foreach (var g in points) line.Points.Add(new DataPoint((g.Key + 0.5) * bin, Quantile.Median(g.Select(p => p.Value))));
            model.Series.Add(line);
        }
        return model;
    }

    /// <summary>
    /// Every run: the gradient that reached the key early in training against the step at which the lag was learned
    /// (runs that never learned it sit on the dashed line above the budget), coloured by unit, with Spearman's ρ.
    /// </summary>
    public static PlotModel GradientVersusLearning(IReadOnlyList<(string Name, IReadOnlyList<LagLearning> Lags)> units, int steps, double rho)
    {
        var model = PlotStyle.Model("Does more gradient at the key mean learning sooner?",
            $"each run: early log10 gradient at the key vs step the lag was learned · open: not learned in {steps} steps · Spearman ρ = {Narrative.F(rho, "F2")}");
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Bottom, $"log10 gradient at the key (relative), median of the first {LagLearning.EarlySteps} steps"));
        double notLearned = steps * 1.12;
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Left, "step at which the lag was learned", 0, steps * 1.18));
        for (int i = 0; i < units.Count; i++)
        {
            var color = PlotStyle.Color(i);
            var learned = new ScatterSeries { Title = units[i].Name, MarkerType = MarkerType.Circle, MarkerSize = 3.5, MarkerFill = OxyColor.FromAColor(200, color), MarkerStroke = OxyColors.Undefined };
            var failed = new ScatterSeries { MarkerType = MarkerType.Circle, MarkerSize = 3.5, MarkerFill = OxyColors.Transparent, MarkerStroke = color, MarkerStrokeThickness = 1 };
            foreach (var s in units[i].Lags.SelectMany(l => l.Seeds).Where(s => double.IsFinite(s.EarlyKeyGradient)))
                (s.Learned ? learned : failed).Points.Add(new ScatterPoint(s.EarlyKeyGradient, s.LearnedStep ?? notLearned));
            model.Series.Add(learned);
            model.Series.Add(failed);
        }
        model.Annotations.Add(PlotStyle.Reference(notLearned, LineStyle.Dash, "not learned"));
        return model;
    }

    /// <summary>
    /// γ·‖W_hh‖₂ over training per unit (median over its seeds and lags at each stability record), against 1: below it
    /// the lecture's sufficient condition for vanishing gradients holds (Pascanu, Mikolov &amp; Bengio 2013, §2.1).
    /// Null without stability records.
    /// </summary>
    public static PlotModel? GammaWhhOverTraining(IReadOnlyList<(string Name, IReadOnlyList<LagLearning> Lags)> units)
    {
        var model = PlotStyle.Model("Does the sufficient condition for vanishing hold while training?", "γ·‖W_hh‖₂ (γ = sup f′), median over seeds and lags · below 1: every gradient path vanishes");
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Bottom, "training step"));
        model.Axes.Add(PlotStyle.Log(AxisPosition.Left, "γ·‖W_hh‖₂ (log scale)"));
        bool any = false;
        for (int i = 0; i < units.Count; i++)
        {
            var line = new LineSeries { Title = units[i].Name, Color = PlotStyle.Color(i), StrokeThickness = 1.8, MarkerType = MarkerType.Circle, MarkerSize = 2.5, MarkerFill = PlotStyle.Color(i) };
            foreach (var g in units[i].Lags.SelectMany(l => l.Seeds).SelectMany(s => s.Run.Stability).GroupBy(s => s.Step).OrderBy(g => g.Key))
            {
                double[] values = [.. g.Select(s => s.Gamma * s.WhhNorm).Where(PlotStyle.Positive)];
                if (values.Length > 0) line.Points.Add(new DataPoint(g.Key, Quantile.Median(values)));
            }
            any |= line.Points.Count > 0;
            model.Series.Add(line);
        }
        model.Annotations.Add(PlotStyle.Reference(1, LineStyle.Dash, "1"));
        return any ? model : null;
    }
}
