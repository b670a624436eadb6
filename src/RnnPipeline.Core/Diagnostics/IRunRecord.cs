namespace RnnPipeline.Diagnostics;

/// <summary>
/// A record a run produces (<see cref="TrainingMetric"/>, <see cref="ClipRecord"/>, <see cref="GradientFlowRecord"/>,
/// <see cref="NonFiniteEvent"/>, <see cref="EvaluationRecord"/>, <see cref="StabilitySnapshot"/>,
/// <see cref="ProbeAccuracy"/>), handed to an <see cref="IRunSink"/>. A new kind is a sealed record implementing this,
/// a list in <see cref="RunRecording"/> and its table (<see cref="RunTables"/>): the sink interface, the tee and the
/// sinks that do not use it stay as they are.
/// </summary>
public interface IRunRecord
{
    /// <summary>The optimiser step the record belongs to (see each record for how it counts).</summary>
    int Step { get; }
}
