using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;
using RnnPipeline.Diagnostics;

namespace RnnPipeline.Reporting.Plots;

/// <summary>Plots of the optimisation itself: loss, gradient norms and clipping, Lyapunov exponents over training.</summary>
public static class TrainingPlots
{
    /// <summary>Training bits/char (exponential moving average, raw faint) and validation bits/char (markers).</summary>
    public static PlotModel BitsPerChar(IReadOnlyList<RunRecording> runs)
    {
        // Rare loss spikes (an exploding step can reach 1e30 bits/char) would flatten every curve: the axis stops at
        // 1.2 × the 99th percentile of the plotted values; the spikes stay in the data views.
        var values = runs.SelectMany(r => r.Metrics.Select(m => m.BitsPerChar).Concat(r.Evaluations.Select(e => e.BitsPerChar))).Where(double.IsFinite).Order().ToArray();
        double? top = values.Length == 0 ? null : 1.2 * values[(int)(0.99 * (values.Length - 1))];
        var model = PlotStyle.Model("Bits per character", "thin: training (EMA over 20 steps, raw faint); markers: validation");
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Bottom, "training step"));
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Left, "bits per character", 0, top));
        for (int i = 0; i < runs.Count; i++)
        {
            var color = PlotStyle.Color(i);
            var raw = new LineSeries { Color = OxyColor.FromAColor(50, color), StrokeThickness = 0.8 };
            var smooth = new LineSeries { Title = $"{PlotStyle.Label(runs[i].Info)} train", Color = color, StrokeThickness = 1.6 };
            double ema = double.NaN;
            foreach (var m in runs[i].Metrics.Where(m => double.IsFinite(m.BitsPerChar)).OrderBy(m => m.Step))
            {
                ema = double.IsNaN(ema) ? m.BitsPerChar : 0.9 * ema + 0.1 * m.BitsPerChar;  // α = 0.1 ≈ 20-step window
                raw.Points.Add(new DataPoint(m.Step, m.BitsPerChar));
                smooth.Points.Add(new DataPoint(m.Step, ema));
            }
            var validation = new LineSeries
            {
                Title = $"{PlotStyle.Label(runs[i].Info)} validation", Color = color, LineStyle = LineStyle.Dash,
                MarkerType = MarkerType.Circle, MarkerSize = 3.5, MarkerFill = color, StrokeThickness = 1,
            };
            foreach (var e in runs[i].Evaluations.Where(e => double.IsFinite(e.BitsPerChar)).OrderBy(e => e.Step))
                validation.Points.Add(new DataPoint(e.Step, e.BitsPerChar));
            model.Series.Add(raw);
            model.Series.Add(smooth);
            model.Series.Add(validation);
        }
        return model;
    }

    /// <summary>Pre-clip gradient norm per step (log y) with the threshold and the clipped steps marked; clip rate in the legend.</summary>
    public static PlotModel GradientNormAndClipping(IReadOnlyList<RunRecording> runs)
    {
        var model = PlotStyle.Model("Gradient norm before clipping", "markers: steps where clipping fired; dashed: threshold");
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Bottom, "training step"));
        model.Axes.Add(PlotStyle.Log(AxisPosition.Left, "global ‖∇‖₂ before clipping (log scale)"));
        for (int i = 0; i < runs.Count; i++)
        {
            var clips = runs[i].Clips.OrderBy(c => c.Step).ToArray();
            double rate = clips.Length == 0 ? 0 : (double)clips.Count(c => c.Clipped) / clips.Length;
            var color = PlotStyle.Color(i);
            var norms = new LineSeries { Title = $"{PlotStyle.Label(runs[i].Info)} (clipped {Narrative.Percent(rate)})", Color = color, StrokeThickness = 1.2 };
            var fired = new ScatterSeries { MarkerType = MarkerType.Circle, MarkerSize = 2.2, MarkerFill = color };
            foreach (var c in clips.Where(c => PlotStyle.Positive(c.PreClipNorm)))
            {
                norms.Points.Add(new DataPoint(c.Step, c.PreClipNorm));
                if (c.Clipped) fired.Points.Add(new ScatterPoint(c.Step, c.PreClipNorm));
            }
            model.Series.Add(norms);
            model.Series.Add(fired);
        }
        foreach (double threshold in runs.SelectMany(r => r.Clips).Select(c => c.Threshold).Where(PlotStyle.Positive).Distinct())
            model.Annotations.Add(PlotStyle.Reference(threshold, LineStyle.Dash, $"threshold {threshold:G3}"));
        return model;
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
