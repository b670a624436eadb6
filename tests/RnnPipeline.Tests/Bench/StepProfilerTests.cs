using RnnPipeline.Diagnostics;
using RnnPipeline.Training;
using RnnPipeline.Bench;
using RnnPipeline.Tests.Training;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Tests.Bench;

public sealed class StepProfilerTests
{
    [Fact]
    public void Step_ThreeSteps_SameWeightsAsTheSessionAndEveryPhaseTimed()
    {
        var spec = TestData.Spec(s => s.Clipping.Threshold = 0.5);
        var text = RnnPipeline.Text.SampleTextGenerator.Generate(4000, 3);
        using var session = TrainingSession.Create(spec, CharCorpus.FromText(text, spec), new RunRecording(RunInfo.For("test", spec)));
        using var profiler = new StepProfiler(spec, CharCorpus.FromText(text, spec));

        session.Train(CancellationToken.None, until: 3);
        for (int i = 0; i < 3; i++) profiler.Step();

        foreach (var ((name, expected), (_, actual)) in session.Network.Weights.Named().Zip(profiler.Weights.Named()))
            TestData.AssertClose(expected, actual, 0, name);
        Assert.Equal(10, profiler.Timer.Phases.Count);
        Assert.All(profiler.Timer.Phases, p => Assert.True(profiler.Timer.Median(p) > 0, p));
    }
}
