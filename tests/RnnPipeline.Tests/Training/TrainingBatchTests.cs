using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Probes;
using RnnPipeline.Training;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Text;
using static TorchSharp.torch;

namespace RnnPipeline.Tests.Training;

/// <summary>
/// Runs trained together in a <see cref="TrainingBatch"/> against the same runs trained alone: bit for bit (a run alone
/// is a stack of one, and every operation of a stacked step computes each run's part as it computes a run alone).
/// </summary>
public sealed class TrainingBatchTests : IDisposable
{
    private static readonly string Text = RnnPipeline.Text.SampleTextGenerator.Generate(6000, 3);
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-batch-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(Activation.Tanh, 0, false)]
    [InlineData(Activation.Sigmoid, 0, false)]
    [InlineData(Activation.Relu, 0, false)]
    [InlineData(Activation.Tanh, 5, false)]
    [InlineData(Activation.Relu, 0, true)]
    public void Recurrence_StackedGivesEachRunWhatItsOwnNetworkGives(Activation activation, int embedding, bool weighted) =>
        AssertStackedEqualsAlone(activation, embedding, weighted, runs: 3, steps: 9, batch: 4, vocabulary: 7);

    /// <summary>Logits of more than 1 MiB per run: the head's elementwise work runs run by run instead of over the whole stack.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Recurrence_StackedWithLargeLogitsGivesEachRunWhatItsOwnNetworkGives(bool weighted) =>
        AssertStackedEqualsAlone(Activation.Tanh, 0, weighted, runs: 2, steps: 96, batch: 48, vocabulary: 62);

    private static void AssertStackedEqualsAlone(Activation activation, int embedding, bool weighted, int runs, int steps, int batch, int vocabulary)
    {
        using var scope = NewDisposeScope();
        const int hidden = 6;
        var weights = Enumerable.Range(0, runs).Select(r => TestData.Weights(vocabulary, hidden, embedding, RecurrentInit.Normal, gain: 1.2, seed: r + 1)).ToArray();
        var networks = weights.Select(w => new CharRnnNetwork(w, activation)).ToArray();
        var inputs = Enumerable.Range(0, runs).Select(r => TestData.Tokens(steps, batch, vocabulary, seed: 10 + r)).ToArray();
        var targets = Enumerable.Range(0, runs).Select(r => TestData.Tokens(steps, batch, vocabulary, seed: 20 + r)).ToArray();
        var h0 = Enumerable.Range(0, runs).Select(r => randn(batch, hidden, generator: new Generator((ulong)(30 + r))) * 0.3).ToArray();
        // Loss weights as a probe's dependents give them: 1 on a few positions, 0 elsewhere (a different set per run).
        Tensor?[] lossWeights = [.. Enumerable.Range(0, runs).Select(r => weighted ? TestData.Tokens(steps, batch, 3, seed: 40 + r).eq(0).to(float32) : null)];

        var stacked = Recurrence.Stack(networks);
        var pass = stacked.Forward(stack(inputs), stack(h0), keepPreActivations: 2);
        var grads = stacked.Backward(pass, stack(targets), weighted ? stack(lossWeights.Select(w => w!)) : null);

        for (int r = 0; r < runs; r++)
        {
            using var alone = weights[r].ZerosLike();
            var single = networks[r].Forward(inputs[r], h0[r], keepPreActivations: 2);
            var (local, delta) = networks[r].Backward(single, targets[r], alone, lossWeights[r]);
            using var together = weights[r].ZerosLike();
            var mine = pass.Run(r, 2);
            var (localTogether, deltaTogether) = grads.CopyRun(r, together);

            TestData.AssertClose(CharRnnNetwork.Loss(single, targets[r], lossWeights[r]), CharRnnNetwork.Loss(mine, targets[r], lossWeights[r]), 0, $"run {r} loss");
            TestData.AssertClose(single.Hidden, mine.Hidden, 0, $"run {r} h_t");
            TestData.AssertClose(single.PreActivations!, mine.PreActivations!, 0, $"run {r} a_t");
            foreach (var ((name, expected), (_, actual)) in alone.Named().Zip(together.Named()))
                TestData.AssertClose(expected, actual, 0, $"run {r} ∂L/∂{name}");
            TestData.AssertClose(delta, deltaTogether, 0, $"run {r} δ");
            TestData.AssertClose(local, localTogether, 0, $"run {r} local gradients");
        }
        foreach (var w in weights) w.Dispose();
    }

    [Fact]
    public void Recurrence_StackRefusesNetworksOfDifferentShapes()
    {
        using var a = TestData.Weights(7, 6);
        using var b = TestData.Weights(7, 5);
        Assert.Throws<ArgumentException>(() => Recurrence.Stack([new CharRnnNetwork(a, Activation.Tanh), new CharRnnNetwork(b, Activation.Tanh)]));
        Assert.Throws<ArgumentException>(() => Recurrence.Stack([new CharRnnNetwork(a, Activation.Tanh), new CharRnnNetwork(a, Activation.Relu)]));
    }

    /// <summary>Three runs that differ in everything but shape: seed, optimiser, learning rate and schedule, clipping, diagnostics, length.</summary>
    private static RunSpec[] Varied() =>
    [
        TestData.Spec(s => { s.Name = "a"; s.Training.Steps = 24; s.Diagnostics.Every = 8; s.Diagnostics.AnalysisLength = 48; s.Diagnostics.BurnIn = 8; }),
        TestData.Spec(s => { s.Name = "b"; s.Training.Seed = 2; s.Training.Steps = 30; s.Training.Optimizer = OptimizerKind.Sgd; s.Training.LearningRate = 0.5; s.Clipping.Mode = ClipMode.Value; s.Clipping.Threshold = 0.01; }),
        TestData.Spec(s => { s.Name = "c"; s.Training.Seed = 3; s.Training.Steps = 18; s.Training.Schedule = LearningRateSchedule.Cosine; s.Clipping.Threshold = 0.5; s.Training.EvalEvery = 6; }),
    ];

    [Fact]
    public void Batch_GivesEachRunWhatTrainingItAloneGives()
    {
        var specs = Varied();
        var alone = specs.Select(s => Alone(s)).ToArray();
        var (together, statuses) = Together(specs);

        Assert.All(statuses, s => Assert.Equal(RunStatus.Completed, s));
        for (int r = 0; r < specs.Length; r++) AssertSameRun(alone[r].Recording, together[r].Recording, alone[r].Whh, together[r].Whh);
        Assert.NotEmpty(together[0].Recording.Stability);
    }

    [Fact]
    public void Batch_EpisodeRunsClippedByNorm_UpdatedAsOneStack_GiveWhatTrainingAloneGives()
    {
        // As the default suite's stacks: one lag, the loss on the dependents only, seeds and learning rates differ; a
        // low clipping threshold makes the per-run norm scale apply, and all runs share Adam, so each step updates the
        // whole stack at once.
        RunSpec Episodes(int seed, double learningRate) => TestData.Spec(s =>
        {
            (s.Name, s.Training.Seed, s.Training.Steps, s.Training.LearningRate, s.Training.EvalEvery) = ($"lag-s{seed}", seed, 12, learningRate, 6);
            s.Model.HiddenSize = 8;
            s.Clipping.Threshold = 0.05;
            s.Corpus = new CorpusOptions { Kind = CorpusKind.DelayedRecall, Episodes = true, Lags = [5], KeyCount = 4, GeneratedLength = 2_000, Loss = ProbeLoss.Dependents };
        });
        static CharCorpus Probe(RunSpec spec)
        {
            var probe = ProbeTextGenerator.Generate(spec.Corpus, 1);
            return CharCorpus.FromText(probe.Text, spec, scored: probe.Targets.Select(t => t.Position));
        }
        RunSpec[] specs = [Episodes(1, 0.01), Episodes(2, 0.01), Episodes(3, 0.03), Episodes(4, 0.003)];
        var alone = specs.Select(s => Alone(s, Probe)).ToArray();
        var (together, statuses) = Together(specs, Probe);

        Assert.All(statuses, s => Assert.Equal(RunStatus.Completed, s));
        Assert.Contains(together[0].Recording.Clips, c => c.Clipped);
        for (int r = 0; r < specs.Length; r++) AssertSameRun(alone[r].Recording, together[r].Recording, alone[r].Whh, together[r].Whh);
    }

    [Fact]
    public void Batch_RunThatHalts_LeavesWithoutDisturbingTheOthers()
    {
        // ReLU with W_hh = 3·I and no clipping overflows in its first forward pass (see NonFinitePolicyTests).
        RunSpec Relu(string name, int seed, Action<RunSpec>? configure = null) => TestData.Spec(s =>
        {
            (s.Name, s.Training.Seed, s.Training.Steps, s.Training.WindowLength) = (name, seed, 20, 96);
            s.Model = new ModelOptions { Activation = Activation.Relu, HiddenSize = 8, InitGain = 0.5 };
            configure?.Invoke(s);
        });
        RunSpec[] specs =
        [
            Relu("steady-1", 1),
            Relu("exploding", 2, s => { s.Model.Init = RecurrentInit.Identity; s.Model.InitGain = 3; s.Clipping.Mode = ClipMode.None; s.NonFinite.Policy = NonFinitePolicy.Halt; }),
            Relu("steady-2", 3),
        ];
        var alone = specs.Select(s => Alone(s)).ToArray();
        var (together, statuses) = Together(specs);

        Assert.Equal([RunStatus.Completed, RunStatus.Halted, RunStatus.Completed], statuses);
        Assert.Equal(alone[1].Recording.NonFinite, together[1].Recording.NonFinite);
        Assert.Empty(together[1].Recording.Metrics);
        for (int r = 0; r < specs.Length; r++) AssertSameRun(alone[r].Recording, together[r].Recording, alone[r].Whh, together[r].Whh);
    }

    [Fact]
    public void Batch_CheckpointedAndResumedWithRunsAtOtherSteps_MatchesUninterruptedBatch()
    {
        var specs = Varied();
        var (straight, _) = Together(specs);

        // Stop every run after step 9, checkpoint, then resume them in a new batch beside a fresh copy of run "c".
        var recordings = specs.Select(s => new RunRecording(RunInfo.For("test", s))).ToArray();
        var corpora = specs.Select(s => CharCorpus.FromText(Text, s)).ToArray();
        string[] checkpoints = [.. specs.Select(s => Path.Combine(_folder, s.Name + ".bin"))];
        var first = specs.Select((s, r) => TrainingSession.Create(s, corpora[r], recordings[r])).ToArray();
        using (var stop = new CancellationTokenSource())
        {
            var statuses = new TrainingBatch(first).Train(stop.Token, (_, p) => { if (p.Step == 8) stop.Cancel(); });
            Assert.All(statuses, s => Assert.Equal(RunStatus.Cancelled, s));
        }
        for (int r = 0; r < specs.Length; r++)
        {
            Assert.Equal(9, first[r].Step);
            first[r].SaveCheckpoint(checkpoints[r]);
            first[r].Dispose();
        }
        var fresh = new RunRecording(RunInfo.For("test", specs[2]));
        var resumed = specs.Select((s, r) => TrainingSession.Resume(s, corpora[r], recordings[r], checkpoints[r]))
            .Append(TrainingSession.Create(specs[2], CharCorpus.FromText(Text, specs[2]), fresh)).ToArray();
        Assert.All(new TrainingBatch(resumed).Train(CancellationToken.None), s => Assert.Equal(RunStatus.Completed, s));

        for (int r = 0; r < specs.Length; r++)
            AssertSameRun(straight[r].Recording, recordings[r], straight[r].Whh, resumed[r].Network.Weights.Whh.data<float>().ToArray());
        AssertSameRun(straight[2].Recording, fresh, straight[2].Whh, resumed[3].Network.Weights.Whh.data<float>().ToArray());
        foreach (var session in resumed) session.Dispose();
    }

    [Fact]
    public void Batch_RefusesRunsOfDifferentShapes()
    {
        var a = TestData.Spec();
        var b = TestData.Spec(s => s.Model.HiddenSize = 12);
        using var first = TrainingSession.Create(a, CharCorpus.FromText(Text, a), new RunRecording(RunInfo.For("test", a)));
        using var second = TrainingSession.Create(b, CharCorpus.FromText(Text, b), new RunRecording(RunInfo.For("test", b)));
        var error = Assert.Throws<ArgumentException>(() => new TrainingBatch([first, second]));
        Assert.Contains("H=12", error.Message);
    }

    private static CharCorpus Sample(RunSpec spec) => CharCorpus.FromText(Text, spec);

    private static (RunRecording Recording, float[] Whh) Alone(RunSpec spec, Func<RunSpec, CharCorpus>? corpus = null)
    {
        var recording = new RunRecording(RunInfo.For("test", spec));
        using var session = TrainingSession.Create(spec, (corpus ?? Sample)(spec), recording);
        session.Train(CancellationToken.None);
        return (recording, session.Network.Weights.Whh.data<float>().ToArray());
    }

    private static ((RunRecording Recording, float[] Whh)[] Runs, RunStatus[] Statuses) Together(RunSpec[] specs, Func<RunSpec, CharCorpus>? corpus = null)
    {
        var recordings = specs.Select(s => new RunRecording(RunInfo.For("test", s))).ToArray();
        var sessions = specs.Select((s, r) => TrainingSession.Create(s, (corpus ?? Sample)(s), recordings[r])).ToArray();
        try
        {
            var statuses = new TrainingBatch(sessions).Train(CancellationToken.None);
            return ([.. sessions.Select((s, r) => (recordings[r], s.Network.Weights.Whh.data<float>().ToArray()))], statuses);
        }
        finally
        {
            foreach (var session in sessions) session.Dispose();
        }
    }

    /// <summary>Same records, step for step, bit for bit (losses, norms, stability summaries and final weights).</summary>
    private static void AssertSameRun(RunRecording expected, RunRecording actual, float[] expectedWhh, float[] actualWhh)
    {
        static void Close(double a, double b, string what) => Assert.True(a.Equals(b), $"{what}: {a:R} vs {b:R}");
        Assert.Equal(expected.Metrics.Select(m => m.Step), actual.Metrics.Select(m => m.Step));
        foreach (var (a, b) in expected.Metrics.Zip(actual.Metrics)) { Close(a.Loss, b.Loss, $"loss at step {a.Step}"); Close(a.LearningRate, b.LearningRate, "lr"); }
        foreach (var (a, b) in expected.Clips.Zip(actual.Clips)) { Close(a.PreClipNorm, b.PreClipNorm, $"gradient norm at step {a.Step}"); Assert.Equal(a.Clipped, b.Clipped); }
        Assert.Equal(expected.Clips.Count, actual.Clips.Count);
        Assert.Equal(expected.Evaluations.Select(e => e.Step), actual.Evaluations.Select(e => e.Step));
        foreach (var (a, b) in expected.Evaluations.Zip(actual.Evaluations)) Close(a.Loss, b.Loss, $"validation loss at step {a.Step}");
        Assert.Equal(expected.Stability.Select(s => s.Step), actual.Stability.Select(s => s.Step));
        foreach (var (a, b) in expected.Stability.Zip(actual.Stability)) { Close(a.MeanJacobianNorm, b.MeanJacobianNorm, $"mean ‖J_t‖ at step {a.Step}"); Close(a.Lyapunov[0], b.Lyapunov[0], $"λ1 at step {a.Step}"); }
        Assert.Equal(expected.NonFinite.Select(e => (e.Step, e.Tensor, e.Action)), actual.NonFinite.Select(e => (e.Step, e.Tensor, e.Action)));
        for (int i = 0; i < expectedWhh.Length; i++) Close(expectedWhh[i], actualWhh[i], $"final W_hh[{i}]");
    }
}
