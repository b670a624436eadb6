namespace RnnPipeline.Diagnostics;

/// <summary>The record kinds by name at the call site; each hands its record to <see cref="IRunSink.Record"/>.</summary>
public static class RunSinkExtensions
{
    /// <summary>Per-step loss and throughput.</summary>
    public static void OnTrainingMetric(this IRunSink sink, TrainingMetric row) => Checked(sink).Record(row);

    /// <summary>Per-step clipping record.</summary>
    public static void OnClip(this IRunSink sink, ClipRecord row) => Checked(sink).Record(row);

    /// <summary>Per-step gradient norms per timestep of the window.</summary>
    public static void OnGradientFlow(this IRunSink sink, GradientFlowRecord row) => Checked(sink).Record(row);

    /// <summary>A non-finite detection and the action taken.</summary>
    public static void OnNonFinite(this IRunSink sink, NonFiniteEvent row) => Checked(sink).Record(row);

    /// <summary>A validation result.</summary>
    public static void OnEvaluation(this IRunSink sink, EvaluationRecord row) => Checked(sink).Record(row);

    /// <summary>Stability diagnostics of a logged step.</summary>
    public static void OnStability(this IRunSink sink, StabilitySnapshot snapshot) => Checked(sink).Record(snapshot);

    /// <summary>Long-range probe accuracy at one lag.</summary>
    public static void OnProbe(this IRunSink sink, ProbeAccuracy row) => Checked(sink).Record(row);

    private static IRunSink Checked(IRunSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return sink;
    }
}
