using RnnPipeline.Diagnostics;
using RnnPipeline.Options;

namespace RnnPipeline.Tests.Core;

/// <summary>Small hand-made recordings with every kind of record.</summary>
internal static class Recordings
{
    public static RunRecording Make(string name, Activation activation, int seed = 1)
    {
        var spec = new RunSpec { Name = name, Model = { Activation = activation, HiddenSize = 4 }, Training = { Seed = seed } };
        var run = new RunRecording(RunInfo.For("suite", spec));
        for (int step = 0; step < 3; step++)
        {
            run.Record(new TrainingMetric(step, 2.0 - 0.1 * step, (2.0 - 0.1 * step) / Math.Log(2), 0.01, 1000 + step, 0.5 * step));
            run.Record(new ClipRecord(step, 6.0 - step, Math.Min(5.0, 6.0 - step), 5.0, step == 0, step == 0 ? 5.0 / 6.0 : 1));
            run.Record(new GradientFlowRecord(step, [0.1f * (step + 1), 0.2f, 0.4f]));
        }
        run.Record(new EvaluationRecord(3, 1.9, 1.9 / Math.Log(2)));
        run.Record(new NonFiniteEvent(1, "grad:W_hh", -1, NonFinitePolicy.Skip, "update dropped", 0.01));
        run.Record(new StabilitySnapshot(
            new StabilitySummary(0, 1.1, 0.9, 1.0, 0.8, [-0.1, -0.5], 2, 0.05),
            [new TimestepStats(0, 0, 0.7, 0.5, 0.9, 0.1, 0.0, 0.3, 0.5), new TimestepStats(0, 1, 0.9, 0.6, 0.95, 0.0, 0.0, 0.6, 1.0)],
            [new LagStats(0, 0, 1.0, 1.0, 1.0), new LagStats(0, 1, 0.6, 0.9, 0.4)]));
        run.Record(new ProbeAccuracy(4, seed, 30, 40, 0.25));
        return run;
    }
}
