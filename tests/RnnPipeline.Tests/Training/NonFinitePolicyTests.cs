using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Training;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Tests.Training;

/// <summary>
/// The engineered explosion: ReLU with W_hh = 3·I, no clipping. Over a 96-step window the hidden state grows like 3^t
/// and overflows float32 (3^81 ≈ 4e38) inside the first forward pass, at every step.
/// </summary>
public sealed class NonFinitePolicyTests
{
    private static readonly string Text = RnnPipeline.Text.SampleTextGenerator.Generate(6000, 5);

    private static RunSpec Exploding(NonFinitePolicy policy, int steps) => TestData.Spec(s =>
    {
        s.Model = new ModelOptions { Activation = Activation.Relu, HiddenSize = 8, Init = RecurrentInit.Identity, InitGain = 3 };
        s.Training.Steps = steps;
        s.Training.WindowLength = 96;
        s.Training.Optimizer = OptimizerKind.Sgd;
        s.Training.Momentum = 0;
        s.Training.LearningRate = 0.1;
        s.Clipping.Mode = ClipMode.None;
        s.NonFinite.Policy = policy;
        s.NonFinite.ShrinkFactor = 0.5;
    });

    private static (RunRecording Recording, RunStatus Status, float[] Whh) Run(RunSpec spec)
    {
        var recording = new RunRecording(RunInfo.For("test", spec));
        using var session = TrainingSession.Create(spec, CharCorpus.FromText(Text, spec), recording);
        var status = session.Train(CancellationToken.None);
        return (recording, status, session.Network.Weights.Whh.data<float>().ToArray());
    }

    [Fact]
    public void Halt_StopsAtFirstEvent_NamingHiddenStateAndTimestep()
    {
        var (recording, status, _) = Run(Exploding(NonFinitePolicy.Halt, 5));
        Assert.Equal(RunStatus.Halted, status);
        var e = Assert.Single(recording.NonFinite);
        Assert.Equal((0, "hidden", "halted"), (e.Step, e.Tensor, e.Action));
        Assert.InRange(e.Timestep, 60, 95);
        Assert.Empty(recording.Metrics);
    }

    [Fact]
    public void Skip_DropsEveryUpdate_AndKeepsGoing()
    {
        var (recording, status, whh) = Run(Exploding(NonFinitePolicy.Skip, 4));
        Assert.Equal(RunStatus.Completed, status);
        Assert.Equal([0, 1, 2, 3], recording.NonFinite.Select(e => e.Step));
        Assert.All(recording.NonFinite, e => Assert.Equal("update dropped", e.Action));
        Assert.Equal(3f, whh[0]);                                            // never updated
    }

    [Fact]
    public void Shrink_DropsUpdateAndScalesRecurrentWeights()
    {
        var (recording, status, whh) = Run(Exploding(NonFinitePolicy.Shrink, 1));
        Assert.Equal(RunStatus.Completed, status);
        Assert.Contains("W_hh scaled by 0.5", Assert.Single(recording.NonFinite).Action);
        Assert.Equal(1.5f, whh[0]);                                          // 3·(1 − 0.5), no update applied
        Assert.Equal(0f, whh[1]);
    }

    [Fact]
    public void Rollback_RestoresLastGoodStateAndHalvesLearningRate()
    {
        // Stable start (W_hh = I), then a huge SGD step makes W_hh explode: the next step is non-finite and rolls back.
        var spec = Exploding(NonFinitePolicy.Rollback, 2);
        spec.Model.InitGain = 1.0;
        spec.Training.LearningRate = 1e6;
        spec.NonFinite.SnapshotEvery = 1;
        var initial = RnnPipeline.Training.Model.CharRnnWeights.Create(spec.Model, CharCorpus.FromText(Text, spec).Vocabulary.Size, spec.Training.Seed);
        var (recording, status, whh) = Run(spec);

        Assert.Equal(RunStatus.Completed, status);
        var e = Assert.Single(recording.NonFinite);
        Assert.Equal(1, e.Step);
        Assert.StartsWith("rolled back to step 0", e.Action);
        Assert.Equal(5e5, e.LearningRateAfter);
        Assert.Equal(initial.Whh.data<float>().ToArray(), whh);
    }

    [Fact]
    public void MaxEvents_HaltsWhateverThePolicy()
    {
        var spec = Exploding(NonFinitePolicy.Skip, 10);
        spec.NonFinite.MaxEvents = 3;
        var (recording, status, _) = Run(spec);
        Assert.Equal(RunStatus.Halted, status);
        Assert.Equal(4, recording.NonFinite.Count);
        Assert.Contains("MaxEvents", recording.NonFinite[^1].Action);
    }
}
