using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Training;
using RnnPipeline.Training.Engine;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Tests.Training.Engine;

public sealed class TrainingStepTests
{
    private static readonly string Text = RnnPipeline.Text.SampleTextGenerator.Generate(4000, 3);

    private static TrainingSession Session(RunSpec spec, RunRecording recording) =>
        TrainingSession.Create(spec, CharCorpus.FromText(Text, spec), recording);

    [Fact]
    public void Run_WithPhaseMarks_NamesEveryPhaseInStepOrder_AndTrainsAsWithout()
    {
        var spec = TestData.Spec(s => { s.Clipping.Threshold = 0.5; s.Diagnostics.Every = 2; s.Diagnostics.ProbeSequences = 2; });
        var (marked, plain) = (new RunRecording(RunInfo.For("test", spec)), new RunRecording(RunInfo.For("test", spec)));
        using var withMarks = Session(spec, marked);
        using var without = Session(spec, plain);
        var phases = new List<string>();

        for (int i = 0; i < 3; i++)
        {
            TrainingStep.Run([withMarks.Run], phases.Add);
            TrainingStep.Run([without.Run]);
        }

        Assert.Equal(["batch", "input projection", "forward loop", "head + loss", "head backward", "backward loop", "weight gradients",
            "norm + clipping", "optimiser", "carry + gradient-flow record"], phases.Take(10));
        Assert.Equal(30, phases.Count);
        Assert.Equal(3, withMarks.Step);
        Assert.Equal(plain.Metrics.Select(m => m.Loss), marked.Metrics.Select(m => m.Loss));
        Assert.Equal(plain.Stability.Count, marked.Stability.Count);
        Assert.Equal(2, marked.Stability.Count);                              // steps 0 and 2
        TorchGuard.Run(() => TestData.AssertClose(without.Network.Weights.Whh, withMarks.Network.Weights.Whh, 0, "W_hh"));
    }

    [Fact]
    public void Run_NonFiniteLossInOneRunOfAStack_OnlyThatRunSkipsItsUpdate()
    {
        var good = TestData.Spec(s => s.Name = "good");
        var bad = TestData.Spec(s => { s.Name = "bad"; s.Training.Seed = 2; s.NonFinite.Policy = NonFinitePolicy.Skip; });
        var (goodRecording, badRecording) = (new RunRecording(RunInfo.For("test", good)), new RunRecording(RunInfo.For("test", bad)));
        using var first = Session(good, goodRecording);
        using var second = Session(bad, badRecording);
        TorchGuard.Run(() => second.Network.Weights.Why.fill_(float.NaN));    // every loss of this run is NaN

        var outcomes = TrainingStep.Run([first.Run, second.Run]);

        Assert.True(double.IsFinite(outcomes[0].Loss));
        Assert.True(double.IsNaN(outcomes[1].Loss));
        Assert.False(outcomes[1].Halted);
        Assert.Single(goodRecording.Metrics);
        Assert.Empty(badRecording.Metrics);
        Assert.Equal("loss", Assert.Single(badRecording.NonFinite).Tensor);
        Assert.Equal((1, 1), (first.Step, second.Step));                     // a skipped step still counts as an attempt
    }
}
