using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;
using RnnPipeline.Diagnostics;
using RnnPipeline.Options;

namespace RnnPipeline.Reporting.Plots;

/// <summary>Plots of through-time stability at the last logged step of each run. Pure: data in, PlotModel out.</summary>
public static class StabilityPlots
{
    /// <summary>The last logged step of <paramref name="run"/>, or null without diagnostics.</summary>
    public static int? LastLoggedStep(RunRecording run) => run.Stability.Count == 0 ? null : run.Stability.Max(s => s.Step);

    private static IEnumerable<(RunRecording Run, int Index, int Step)> Logged(IReadOnlyList<RunRecording> runs) =>
        runs.Select((r, i) => (Run: r, Index: i, Step: LastLoggedStep(r))).Where(x => x.Step is not null).Select(x => (x.Run, x.Index, x.Step!.Value));

    /// <summary>‖J_t‖₂ per timestep, log y, with Pascanu et al.'s 1/γ reference per activation.</summary>
    public static PlotModel JacobianNorms(IReadOnlyList<RunRecording> runs)
    {
        var model = PlotStyle.Model("Per-step Jacobian norm ‖J_{t}‖₂", "J_{t} = diag(f′(a_{t}))·W_{hh} (gated cells: ∂s_{t}/∂s_{t−1}) at the last logged step; dotted: 1/γ (‖W_{hh}‖₂ < 1/γ suffices for vanishing)");
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Bottom, "timestep t in the window"));
        model.Axes.Add(PlotStyle.Log(AxisPosition.Left, "‖J_{t}‖₂ (log scale)"));
        foreach (var (run, index, step) in Logged(runs))
        {
            var series = new LineSeries { Title = PlotStyle.Label(run.Info), Color = PlotStyle.Color(index), StrokeThickness = 1.6 };
            foreach (var t in run.Timesteps.Where(t => t.Step == step && PlotStyle.Positive(t.JacobianNorm)))
                series.Points.Add(new DataPoint(t.Timestep, t.JacobianNorm));
            model.Series.Add(series);
        }
        foreach (var byGamma in runs.Where(r => r.Info.Cell == RecurrentCell.Rnn).Select(r => r.Info.Activation).Distinct().GroupBy(a => a.Gamma()))
        {
            string names = string.Join(", ", byGamma.Select(a => a.ToString().ToLowerInvariant()));
            model.Annotations.Add(PlotStyle.Reference(1 / byGamma.Key, LineStyle.Dot, $"1/γ = {1 / byGamma.Key:G3} ({names})"));
        }
        return model;
    }

    /// <summary>The headline: gradient of the last step's loss reaching step T−k, normalised to k = 0, with memory horizons.</summary>
    public static PlotModel GradientVersusLag(IReadOnlyList<RunRecording> runs, double epsilon)
    {
        var model = PlotStyle.Model("Gradient reaching step T−k", "‖∂L_{T}/∂h_{T−k}‖ / ‖∂L_{T}/∂h_{T}‖ at the last logged step; markers: memory horizon (first lag below ε)");
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Bottom, "lag k (steps back)"));
        model.Axes.Add(PlotStyle.Log(AxisPosition.Left, "relative gradient (log scale)"));
        foreach (var (run, index, step) in Logged(runs))
        {
            var color = PlotStyle.Color(index);
            var summary = run.Stability.Single(s => s.Step == step);
            var lags = run.Lags.Where(l => l.Step == step).ToArray();
            var series = new LineSeries { Title = $"{PlotStyle.Label(run.Info)} (horizon {Horizon(summary, lags.Length)})", Color = color, StrokeThickness = 1.8 };
            foreach (var l in lags.Where(l => PlotStyle.Positive(l.GradRatio))) series.Points.Add(new DataPoint(l.Lag, l.GradRatio));
            model.Series.Add(series);
            var at = lags.FirstOrDefault(l => l.Lag == summary.MemoryHorizon);
            if (at is not null && PlotStyle.Positive(at.GradRatio))
            {
                var marker = new ScatterSeries { MarkerType = MarkerType.Diamond, MarkerSize = 6, MarkerFill = color, MarkerStroke = OxyColors.White };
                marker.Points.Add(new ScatterPoint(at.Lag, at.GradRatio));
                model.Series.Add(marker);
            }
        }
        model.Annotations.Add(PlotStyle.Reference(epsilon, LineStyle.Dash, $"ε = {epsilon:G2}"));
        return model;
    }

    /// <summary>Text of a memory horizon: "≥ T" when the gradient never fell below ε inside the window.</summary>
    public static string Horizon(StabilitySummary summary, int window) =>
        summary.MemoryHorizon >= window ? $"≥ {window}" : summary.MemoryHorizon.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Realized product ‖J_{T−1}⋯J_{T−k}‖₂ (solid) against the bound Π‖J‖₂ (dashed) per lag.</summary>
    public static PlotModel ProductVersusBound(IReadOnlyList<RunRecording> runs)
    {
        var model = PlotStyle.Model("Realized Jacobian product vs the per-step bound", "solid: ‖∂h_{T}/∂h_{T−k}‖₂ = ‖J_{T}⋯J_{T−k+1}‖₂; dashed: Π‖J_{t}‖₂ (what per-step norms alone suggest)");
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Bottom, "lag k (steps back)"));
        model.Axes.Add(PlotStyle.Log(AxisPosition.Left, "norm (log scale)"));
        foreach (var (run, index, step) in Logged(runs))
        {
            var lags = run.Lags.Where(l => l.Step == step).ToArray();
            var realized = new LineSeries { Title = $"{PlotStyle.Label(run.Info)} realized", Color = PlotStyle.Color(index), StrokeThickness = 1.8 };
            var bound = new LineSeries { Title = $"{PlotStyle.Label(run.Info)} bound", Color = PlotStyle.Color(index), LineStyle = LineStyle.Dash, StrokeThickness = 1.2 };
            foreach (var l in lags)
            {
                if (PlotStyle.Positive(l.ProductNorm)) realized.Points.Add(new DataPoint(l.Lag, l.ProductNorm));
                if (PlotStyle.Positive(l.ProductBound)) bound.Points.Add(new DataPoint(l.Lag, l.ProductBound));
            }
            model.Series.Add(realized);
            model.Series.Add(bound);
        }
        return model;
    }

    /// <summary>Heatmap of log10 ‖∂L/∂h_t‖ over training step × timestep for one run (at most <paramref name="columns"/> steps).</summary>
    public static PlotModel GradientHeatmap(RunRecording run, int columns = 200)
    {
        var model = PlotStyle.Model($"Gradient flow while training: {PlotStyle.Label(run.Info)}", "log10 ‖∂L/∂h_{t}‖ of the real backward pass, batch mean");
        model.Legends.Clear();
        var flows = run.GradientFlow.Where(g => g.HiddenGradNorms.Length > 0).OrderBy(g => g.Step).ToArray();
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Bottom, "training step"));
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Left, "timestep t in the window"));
        model.Axes.Add(new LinearColorAxis { Position = AxisPosition.Right, Palette = OxyPalettes.Viridis(200), Title = "log10 ‖∂L/∂h_{t}‖", HighColor = OxyColors.White, LowColor = OxyColors.Black });
        if (flows.Length == 0) return model;
        int stride = Math.Max(1, (flows.Length + columns - 1) / columns);
        var picked = flows.Where((_, i) => i % stride == 0).ToArray();
        int window = picked.Max(g => g.HiddenGradNorms.Length);
        var data = new double[picked.Length, window];
        for (int i = 0; i < picked.Length; i++)
        for (int t = 0; t < window; t++)
        {
            double v = t < picked[i].HiddenGradNorms.Length ? picked[i].HiddenGradNorms[t] : double.NaN;
            data[i, t] = PlotStyle.Positive(v) ? Math.Log10(v) : double.NaN;
        }
        model.Series.Add(new HeatMapSeries
        {
            X0 = picked[0].Step, X1 = picked[^1].Step, Y0 = 0, Y1 = window - 1, Data = data,
            Interpolate = false, RenderMethod = HeatMapRenderMethod.Rectangles,
        });
        return model;
    }

    /// <summary>Saturated (f′ &lt; 0.01) and dead-ReLU fractions per timestep at the last logged step.</summary>
    public static PlotModel SaturationAndDeadUnits(IReadOnlyList<RunRecording> runs)
    {
        var model = PlotStyle.Model("Saturated and dead units", "solid: fraction with f′(a_{t}) < 0.01; dashed: dead ReLU units (a_{t} ≤ 0)");
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Bottom, "timestep t in the window"));
        model.Axes.Add(PlotStyle.Linear(AxisPosition.Left, "fraction of units", 0, 1));
        foreach (var (run, index, step) in Logged(runs))
        {
            var rows = run.Timesteps.Where(t => t.Step == step).ToArray();
            var saturated = new LineSeries { Title = $"{PlotStyle.Label(run.Info)} saturated", Color = PlotStyle.Color(index), StrokeThickness = 1.6 };
            foreach (var t in rows) saturated.Points.Add(new DataPoint(t.Timestep, t.SaturatedFraction));
            model.Series.Add(saturated);
            if (!run.Info.IsVanilla(Activation.Relu)) continue;
            var dead = new LineSeries { Title = $"{PlotStyle.Label(run.Info)} dead", Color = PlotStyle.Color(index), LineStyle = LineStyle.Dash, StrokeThickness = 1.2 };
            foreach (var t in rows) dead.Points.Add(new DataPoint(t.Timestep, t.DeadFraction));
            model.Series.Add(dead);
        }
        return model;
    }
}
