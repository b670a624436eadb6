using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;
using RnnPipeline.Diagnostics;
using RnnPipeline.Statistics;

namespace RnnPipeline.Reporting.Plots;

/// <summary>Plots of the optimisation itself: loss, gradient norms and clipping, Lyapunov exponents over training.</summary>
public static class TrainingPlots
{
    /// <summary>
    /// Training bits/char and validation bits/char (markers), one colour per unit (runs that differ only in their seed,
    /// <see cref="SeedGroup"/>): a single run as its raw curve (faint) and a 21-step running median, several seeds as the
    /// median over seeds with their interquartile band. A running median, unlike a moving average, does not smear one
    /// spike over the steps after it. The axis keeps the ordinary range (<see cref="ClipSpikes"/>): an exploding step can
    /// reach 1e30 bits/char; such spikes are labelled with their value and step at the top edge and stay in the data views.
    /// </summary>
    public static PlotModel BitsPerChar(IReadOnlyList<RunRecording> runs)
    {
        var groups = SeedGroup.Of(runs);
        var model = PlotStyle.Model("Bits per character", groups.Any(g => g.Runs.Count > 1)
            ? "line: training, median over seeds (band: interquartile); markers: validation, median over seeds"
            : "line: training (running median of 21 steps, raw faint); markers: validation");
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Bottom, "training step"));
        var axis = PlotStyle.Linear(AxisPosition.Left, "bits per character", 0);
        model.Axes.Add(axis);
        for (int i = 0; i < groups.Count; i++)
        {
            var (group, color) = (groups[i], PlotStyle.Color(i));
            var training = group.Quartiles(r => r.Metrics, m => m.Step, m => m.BitsPerChar);
            if (group.Runs.Count == 1)
            {
                var raw = new LineSeries { Color = OxyColor.FromAColor(50, color), StrokeThickness = 0.8 };
                raw.Points.AddRange(training.Select(t => new DataPoint(t.Step, t.Median)));
                model.Series.Add(raw);
                double[] smooth = Quantile.RunningMedian(training.Select(t => t.Median).ToArray(), LossSpikes.Window);
                model.Series.Add(Line($"{group.Name} train", color, training.Select((t, k) => new DataPoint(t.Step, smooth[k]))));
            }
            else
            {
                model.Series.Add(Band(color, training));
                model.Series.Add(Line($"{group.Name} train ({group.Runs.Count} seeds)", color, training.Select(t => new DataPoint(t.Step, t.Median))));
            }
            var validation = new LineSeries
            {
                Title = $"{group.Name} validation", Color = color, LineStyle = LineStyle.Dash,
                MarkerType = MarkerType.Circle, MarkerSize = 3.5, MarkerFill = color, StrokeThickness = 1,
            };
            validation.Points.AddRange(group.Quartiles(r => r.Evaluations, e => e.Step, e => e.BitsPerChar).Select(e => new DataPoint(e.Step, e.Median)));
            model.Series.Add(validation);
        }
        ClipSpikes(model, axis, 0.9, 1.2);
        return model;
    }

    /// <summary>
    /// Keeps the ordinary range of a plot readable when some steps spike: the axis stops at <paramref name="margin"/> ×
    /// the <paramref name="quantile"/> of all plotted values when the largest plotted value is beyond it, and a note in
    /// the top-right corner (where curves that fall with training leave room) lists, for each titled series that goes
    /// above it, its largest value and step.
    /// </summary>
    internal static void ClipSpikes(PlotModel model, Axis axis, double quantile, double margin)
    {
        var values = model.Series.OfType<DataPointSeries>().SelectMany(s => s.Points).Select(p => p.Y).Where(double.IsFinite).Order().ToArray();
        if (values.Length == 0) return;
        double top = margin * values[(int)(quantile * (values.Length - 1))];
        if (!(values[^1] > top) || top <= 0) return;
        axis.Maximum = top;
        var above = model.Series.OfType<LineSeries>().Where(s => s.Title is not null)
            .Select(s => (s.Title, Peak: s.Points.Where(p => p.Y > top).OrderByDescending(p => p.Y).FirstOrDefault()))
            .Where(s => s.Peak.Y > top)
            .Select(s => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{s.Title}: {s.Peak.Y:G3} at step {s.Peak.X:F0}"))
            .ToArray();
        double right = model.Series.OfType<DataPointSeries>().SelectMany(s => s.Points).Max(p => p.X);
        model.Annotations.Add(new OxyPlot.Annotations.TextAnnotation
        {
            TextPosition = new DataPoint(right, top), Text = "above the axis (largest value):\n" + string.Join("\n", above),
            TextColor = OxyColors.DimGray, Background = OxyColor.FromAColor(220, OxyColors.White), Stroke = OxyColors.LightGray,
            FontSize = 10, TextHorizontalAlignment = HorizontalAlignment.Right, TextVerticalAlignment = VerticalAlignment.Top, Padding = new OxyThickness(4),
        });
    }

    /// <summary>
    /// Pre-clip gradient norm per step (log y) with the threshold, one colour per unit: a single run with its clipped
    /// steps marked, several seeds as the median over seeds with the interquartile band; clip rate in the legend.
    /// </summary>
    public static PlotModel GradientNormAndClipping(IReadOnlyList<RunRecording> runs)
    {
        var groups = SeedGroup.Of(runs);
        var model = PlotStyle.Model("Gradient norm before clipping", groups.Any(g => g.Runs.Count > 1)
            ? "line: median over seeds (band: interquartile); markers: steps where clipping fired (single runs); dashed: threshold"
            : "markers: steps where clipping fired; dashed: threshold");
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Bottom, "training step"));
        var axis = PlotStyle.Log(AxisPosition.Left, "global ‖∇‖₂ before clipping (log scale)");
        model.Axes.Add(axis);
        for (int i = 0; i < groups.Count; i++)
        {
            var (group, color) = (groups[i], PlotStyle.Color(i));
            var clips = group.Runs.SelectMany(r => r.Clips).ToArray();
            double rate = clips.Length == 0 ? 0 : (double)clips.Count(c => c.Clipped) / clips.Length;
            var norms = group.Quartiles(r => r.Clips, c => c.Step, c => PlotStyle.Positive(c.PreClipNorm) ? c.PreClipNorm : double.NaN);
            string seeds = group.Runs.Count > 1 ? $", {group.Runs.Count} seeds" : "";
            if (group.Runs.Count > 1) model.Series.Add(Band(color, norms));
            var line = Line($"{group.Name} (clipped {Narrative.Percent(rate)}{seeds})", color, norms.Select(n => new DataPoint(n.Step, n.Median)));
            line.StrokeThickness = 1.2;
            model.Series.Add(line);
            if (group.Runs.Count == 1)
            {
                var fired = new ScatterSeries { MarkerType = MarkerType.Circle, MarkerSize = 2.2, MarkerFill = color };
                fired.Points.AddRange(clips.Where(c => c.Clipped && PlotStyle.Positive(c.PreClipNorm)).OrderBy(c => c.Step).Select(c => new ScatterPoint(c.Step, c.PreClipNorm)));
                model.Series.Add(fired);
            }
        }
        foreach (double threshold in runs.SelectMany(r => r.Clips).Select(c => c.Threshold).Where(PlotStyle.Positive).Distinct())
            model.Annotations.Add(PlotStyle.Reference(threshold, LineStyle.Dash, $"threshold {threshold:G3}"));
        ClipSpikes(model, axis, 0.5, 1000);                                     // a log axis: three decades above the median
        return model;
    }

    private static LineSeries Line(string title, OxyColor color, IEnumerable<DataPoint> points)
    {
        var line = new LineSeries { Title = title, Color = color, StrokeThickness = 1.6 };
        line.Points.AddRange(points);
        return line;
    }

    /// <summary>The interquartile band over seeds, translucent, without a legend entry.</summary>
    private static AreaSeries Band(OxyColor color, IReadOnlyList<(int Step, double Low, double Median, double High)> quartiles)
    {
        var band = new AreaSeries { Color = OxyColors.Transparent, Fill = OxyColor.FromAColor(60, color), StrokeThickness = 0 };
        band.Points.AddRange(quartiles.Select(q => new DataPoint(q.Step, q.High)));
        band.Points2.AddRange(quartiles.Select(q => new DataPoint(q.Step, q.Low)));
        return band;
    }

    /// <summary>Leading Lyapunov exponent λ1 per logged step; the zero line separates vanishing (&lt; 0) from exploding (&gt; 0).</summary>
    public static PlotModel LyapunovOverTraining(IReadOnlyList<RunRecording> runs)
    {
        var model = PlotStyle.Model("Leading Lyapunov exponent over training", "λ1 < 0: Jacobian products vanish; λ1 > 0: they grow (QR re-orthonormalisation over the window)");
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Bottom, "training step"));
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Left, "λ1 per timestep (nats)"));
        for (int i = 0; i < runs.Count; i++)
        {
            var series = new LineSeries
            {
                Title = PlotStyle.Label(runs[i].Info), Color = PlotStyle.Color(i), StrokeThickness = 1.6,
                MarkerType = MarkerType.Circle, MarkerSize = 2.5, MarkerFill = PlotStyle.Color(i),
            };
            foreach (var s in runs[i].Stability.Where(s => s.Lyapunov.Length > 0 && double.IsFinite(s.Lyapunov[0])).OrderBy(s => s.Step))
                series.Points.Add(new DataPoint(s.Step, s.Lyapunov[0]));
            model.Series.Add(series);
        }
        model.Annotations.Add(PlotStyle.Reference(0, LineStyle.Dot));
        return model;
    }
}
