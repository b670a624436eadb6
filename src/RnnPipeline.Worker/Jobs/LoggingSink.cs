using RnnPipeline.Diagnostics;

namespace RnnPipeline.Worker.Jobs;

/// <summary>
/// Forwards records to a <see cref="RunRecording"/>, publishes them as live metrics (<see cref="TrainingMetrics"/>) and
/// logs non-finite events as they happen.
/// </summary>
internal sealed class LoggingSink(RunRecording recording, ILogger logger, string run) : IRunSink
{
    public void Record(IRunRecord record)
    {
        recording.Record(record);
        switch (record)
        {
            case TrainingMetric row: TrainingMetrics.OnTrainingMetric(recording.Info, row); break;
            case ClipRecord row: TrainingMetrics.OnClip(recording.Info, row); break;
            case EvaluationRecord row: TrainingMetrics.OnEvaluation(recording.Info, row); break;
            case NonFiniteEvent row:
                TrainingMetrics.OnNonFinite(recording.Info);
                Log.NonFinite(logger, run, row.Tensor, row.Step, row.Timestep, row.Action);
                break;
        }
    }
}
