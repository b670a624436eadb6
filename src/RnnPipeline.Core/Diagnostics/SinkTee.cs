namespace RnnPipeline.Diagnostics;

/// <summary>Sends every record to each of several sinks, in order.</summary>
public sealed class SinkTee(params IRunSink[] sinks) : IRunSink
{
    /// <inheritdoc />
    public void OnTrainingMetric(TrainingMetric row) { foreach (var s in sinks) s.OnTrainingMetric(row); }
    /// <inheritdoc />
    public void OnClip(ClipRecord row) { foreach (var s in sinks) s.OnClip(row); }
    /// <inheritdoc />
    public void OnGradientFlow(GradientFlowRecord row) { foreach (var s in sinks) s.OnGradientFlow(row); }
    /// <inheritdoc />
    public void OnNonFinite(NonFiniteEvent row) { foreach (var s in sinks) s.OnNonFinite(row); }
    /// <inheritdoc />
    public void OnEvaluation(EvaluationRecord row) { foreach (var s in sinks) s.OnEvaluation(row); }
    /// <inheritdoc />
    public void OnStability(StabilitySnapshot snapshot) { foreach (var s in sinks) s.OnStability(snapshot); }
    /// <inheritdoc />
    public void OnProbe(ProbeAccuracy row) { foreach (var s in sinks) s.OnProbe(row); }
}
