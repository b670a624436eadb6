using System.Globalization;
using RnnPipeline.Diagnostics;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Diagnostics;

/// <summary>
/// Writes a run's records as TensorBoard event files (through TorchSharp's <c>SummaryWriter</c>) into one folder, so
/// <c>tensorboard --logdir &lt;output&gt;</c> shows every run as it trains: per step <c>train/bits_per_char</c>,
/// <c>train/chars_per_second</c>, <c>train/gradient_norm</c> (before clipping), <c>train/clipped</c> (0 or 1) and
/// <c>train/nonfinite_events</c> (running count); per evaluation <c>validation/bits_per_char</c>; per stability
/// analysis <c>stability/lyapunov1</c>, <c>stability/memory_horizon</c>, <c>stability/mean_jacobian_norm</c> and the
/// histograms <c>stability/jacobian_norm</c> (‖J_t‖₂ over the window's timesteps) and <c>stability/gradient_flow</c>
/// (log10 ‖∂L/∂h_t‖ over them); per probe lag <c>probe/accuracy_lag_k</c> at each scoring. Non-finite values are
/// left out (they are events).
/// </summary>
public sealed class TensorBoardSink : IRunSink
{
    private readonly SummaryWriter _writer;
    private int _nonFinite;

    /// <summary>A sink writing event files into <paramref name="folder"/> (created when missing).</summary>
    public TensorBoardSink(string folder)
    {
        Directory.CreateDirectory(folder);
        _writer = utils.tensorboard.SummaryWriter(folder);
    }

    /// <inheritdoc />
    public void OnTrainingMetric(TrainingMetric row)
    {
        Scalar("train/bits_per_char", row.BitsPerChar, row.Step);
        Scalar("train/chars_per_second", row.CharsPerSecond, row.Step);
    }

    /// <inheritdoc />
    public void OnClip(ClipRecord row)
    {
        Scalar("train/gradient_norm", row.PreClipNorm, row.Step);
        Scalar("train/clipped", row.Clipped ? 1 : 0, row.Step);
    }

    /// <inheritdoc />
    public void OnGradientFlow(GradientFlowRecord row) { }

    /// <inheritdoc />
    public void OnNonFinite(NonFiniteEvent row) => Scalar("train/nonfinite_events", ++_nonFinite, row.Step);

    /// <inheritdoc />
    public void OnEvaluation(EvaluationRecord row) => Scalar("validation/bits_per_char", row.BitsPerChar, row.Step);

    /// <inheritdoc />
    public void OnStability(StabilitySnapshot snapshot)
    {
        var s = snapshot.Summary;
        if (s.Lyapunov.Length > 0) Scalar("stability/lyapunov1", s.Lyapunov[0], s.Step);
        Scalar("stability/memory_horizon", s.MemoryHorizon, s.Step);
        Scalar("stability/mean_jacobian_norm", s.MeanJacobianNorm, s.Step);
        Histogram("stability/jacobian_norm", snapshot.Timesteps.Select(t => t.JacobianNorm), s.Step);
        Histogram("stability/gradient_flow", snapshot.Timesteps.Where(t => t.GradNorm > 0).Select(t => Math.Log10(t.GradNorm)), s.Step);
    }

    /// <inheritdoc />
    public void OnProbe(ProbeAccuracy row) =>
        Scalar(string.Create(CultureInfo.InvariantCulture, $"probe/accuracy_lag_{row.Lag}"), row.Accuracy, row.Step);

    private void Scalar(string tag, double value, int step)
    {
        if (double.IsFinite(value)) _writer.add_scalar(tag, (float)value, step);
    }

    private void Histogram(string tag, IEnumerable<double> values, int step)
    {
        double[] finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return;
        using var scope = NewDisposeScope();
        _writer.add_histogram(tag, tensor(finite), step);
    }
}
