namespace RnnPipeline.Diagnostics;

/// <summary>Receives the typed records of one run as training produces them. Training knows nothing else downstream.</summary>
public interface IRunSink
{
    /// <summary>Per-step loss and throughput.</summary>
    void OnTrainingMetric(TrainingMetric row);
    /// <summary>Per-step clipping record.</summary>
    void OnClip(ClipRecord row);
    /// <summary>Per-step gradient norms per timestep of the window.</summary>
    void OnGradientFlow(GradientFlowRecord row);
    /// <summary>A non-finite detection and the action taken.</summary>
    void OnNonFinite(NonFiniteEvent row);
    /// <summary>A validation result.</summary>
    void OnEvaluation(EvaluationRecord row);
    /// <summary>Stability diagnostics of a logged step.</summary>
    void OnStability(StabilitySnapshot snapshot);
    /// <summary>Long-range probe accuracy at one lag.</summary>
    void OnProbe(ProbeAccuracy row);
}
