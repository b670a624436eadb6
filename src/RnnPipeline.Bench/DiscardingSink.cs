using RnnPipeline.Diagnostics;

namespace RnnPipeline.Bench;

/// <summary>Keeps nothing: the benchmark measures training, not record storage.</summary>
internal sealed class DiscardingSink : IRunSink
{
    public void OnTrainingMetric(TrainingMetric row) { }
    public void OnClip(ClipRecord row) { }
    public void OnGradientFlow(GradientFlowRecord row) { }
    public void OnNonFinite(NonFiniteEvent row) { }
    public void OnEvaluation(EvaluationRecord row) { }
    public void OnStability(StabilitySnapshot snapshot) { }
    public void OnProbe(ProbeAccuracy row) { }
}
