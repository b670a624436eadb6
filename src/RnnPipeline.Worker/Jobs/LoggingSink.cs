using RnnPipeline.Diagnostics;

namespace RnnPipeline.Worker.Jobs;

/// <summary>
/// Forwards records to a <see cref="RunRecording"/>, publishes them as live metrics (<see cref="TrainingMetrics"/>) and
/// logs non-finite events as they happen.
/// </summary>
internal sealed class LoggingSink(RunRecording recording, ILogger logger, string run) : IRunSink
{
    public void OnTrainingMetric(TrainingMetric row)
    {
        recording.OnTrainingMetric(row);
        TrainingMetrics.OnTrainingMetric(recording.Info, row);
    }

    public void OnClip(ClipRecord row)
    {
        recording.OnClip(row);
        TrainingMetrics.OnClip(recording.Info, row);
    }

    public void OnGradientFlow(GradientFlowRecord row) => recording.OnGradientFlow(row);

    public void OnEvaluation(EvaluationRecord row)
    {
        recording.OnEvaluation(row);
        TrainingMetrics.OnEvaluation(recording.Info, row);
    }

    public void OnStability(StabilitySnapshot snapshot) => recording.OnStability(snapshot);
    public void OnProbe(ProbeAccuracy row) => recording.OnProbe(row);

    public void OnNonFinite(NonFiniteEvent row)
    {
        recording.OnNonFinite(row);
        TrainingMetrics.OnNonFinite(recording.Info);
        Log.NonFinite(logger, run, row.Tensor, row.Step, row.Timestep, row.Action);
    }
}
