using RnnPipeline.Diagnostics;
using RnnPipeline.Options;

namespace RnnPipeline.Tests.Core;

public sealed class RunRecordingTests
{
    [Fact]
    public void TruncateAfter_EvaluationRightAfterTheLastKeptStep_IsKept()
    {
        // A checkpoint after steps 0..7 resumes at step 8; the evaluation that ran after step 7 is labelled 8.
        var recording = new RunRecording(RunInfo.For("suite", new RunSpec()));
        foreach (int step in new[] { 7, 8 }) recording.Record(new TrainingMetric(step, 1, 1, 0.1, 0, 0));
        foreach (int steps in new[] { 8, 9 }) recording.Record(new EvaluationRecord(steps, 1, 1));

        recording.TruncateAfter(7);

        Assert.Equal([7], recording.Metrics.Select(m => m.Step));
        Assert.Equal([8], recording.Evaluations.Select(e => e.Step));
    }

    [Fact]
    public void TruncateAfter_ProbeAccuraciesScoredLater_AreDropped()
    {
        // The final probe is scored after the last step (here 300); a run resumed at step 101 scores it again when it finishes.
        var recording = new RunRecording(RunInfo.For("suite", new RunSpec()));
        recording.Record(new ProbeAccuracy(4, 1, 18, 20, 0.1, Step: 300));

        recording.TruncateAfter(100);

        Assert.Empty(recording.Probes);
    }
}
