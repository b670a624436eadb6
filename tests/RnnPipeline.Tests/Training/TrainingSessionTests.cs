using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Training;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Tests.Training;

public sealed class TrainingSessionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-session-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Periodic(int length) => string.Concat(Enumerable.Repeat("abcdefgh\n", length / 9 + 1))[..length];

    private static RunRecording Run(RunSpec spec, string text, out RunStatus status, Action<TrainingSession>? after = null)
    {
        var recording = new RunRecording(RunInfo.For("test", spec));
        using var session = TrainingSession.Create(spec, CharCorpus.FromText(text, spec), recording);
        status = session.Train(CancellationToken.None);
        after?.Invoke(session);
        return recording;
    }

    [Fact]
    public void Train_SameSeed_GivesIdenticalLossTrace()
    {
        var spec = TestData.Spec(s => s.Training.Steps = 15);
        string text = RnnPipeline.Text.SampleTextGenerator.Generate(4000, 1);
        var a = Run(spec, text, out _).Metrics.Select(m => m.Loss);
        var b = Run(spec, text, out _).Metrics.Select(m => m.Loss);
        Assert.Equal(a, b);
        var c = Run(TestData.Spec(s => { s.Training.Steps = 15; s.Training.Seed = 2; }), text, out _).Metrics.Select(m => m.Loss);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Train_EveryUnset_AnalysesAtTheDefaultPeriodThatGrowsWithTheWork()
    {
        // 100·max(H, 64)·(P + L·S/T)/B = 100·64·(1 + 16/16)/64 = 200 steps for H = 16, T = 16, B = 64, P = S = 1, L = T.
        static RunSpec Spec(int? every) => TestData.Spec(s =>
        {
            (s.Training.Steps, s.Training.BatchSize, s.Training.EvalEvery) = (401, 64, 1000);
            s.Diagnostics = new DiagnosticsOptions { Every = every, ProbeSequences = 1, AnalysisLength = 0 };
        });
        string text = RnnPipeline.Text.SampleTextGenerator.Generate(8000, 1);
        Assert.Equal(200, Spec(null).Diagnostics.DefaultPeriod(16, 16, 64));
        Assert.Equal([0, 200, 400], Run(Spec(null), text, out _).Stability.Select(s => s.Step));
        Assert.Equal([0, 150, 300, 400], Run(Spec(150), text, out _).Stability.Select(s => s.Step));
        Assert.Empty(Run(Spec(0), text, out _).Stability);
        // Four times the probe sequences and lags, four times the hidden units: a period as many times longer.
        var larger = new DiagnosticsOptions { ProbeSequences = 4, AnalysisLength = 64 };
        Assert.Equal(16 * 200, larger.DefaultPeriod(256, 16, 64));
    }

    [Fact]
    public void Train_PeriodicText_ValidationFallsFarBelowUnigramEntropy()
    {
        // 9 equiprobable symbols: unigram entropy log2(9) ≈ 3.17 bits/char; the sequence is deterministic given the last char.
        var spec = TestData.Spec(s => { s.Training.Steps = 120; s.Training.EvalEvery = 120; s.Training.LearningRate = 0.02; });
        var recording = Run(spec, Periodic(3000), out var status);
        Assert.Equal(RunStatus.Completed, status);
        Assert.True(recording.Evaluations[^1].BitsPerChar < 0.5, $"validation {recording.Evaluations[^1].BitsPerChar:F3} bits/char");
        Assert.Equal(120, recording.Metrics.Count);
        Assert.Equal(120, recording.Clips.Count);
        Assert.All(recording.GradientFlow, g => Assert.Equal(16, g.HiddenGradNorms.Length));
    }

    [Fact]
    public void CheckpointAndResume_MatchesUninterruptedRun()
    {
        var spec = TestData.Spec(s => { s.Training.Steps = 20; s.Training.EvalEvery = 5; s.Diagnostics.Every = 5; s.NonFinite.Policy = NonFinitePolicy.Rollback; s.NonFinite.SnapshotEvery = 3; });
        string text = RnnPipeline.Text.SampleTextGenerator.Generate(4000, 2);
        float[]? straightWeights = null;
        var straight = Run(spec, text, out _, s => straightWeights = s.Network.Weights.Whh.data<float>().ToArray());

        var first = new RunRecording(RunInfo.For("test", spec));
        string checkpoint = Path.Combine(_folder, "checkpoint.bin");
        using (var session = TrainingSession.Create(spec, CharCorpus.FromText(text, spec), first))
        {
            using var stop = new CancellationTokenSource();
            Assert.Equal(RunStatus.Cancelled, session.Train(stop.Token, p => { if (p.Step == 8) stop.Cancel(); }));
            Assert.Equal(9, session.Step);
            session.SaveCheckpoint(checkpoint);
        }
        using var resumed = TrainingSession.Resume(spec, CharCorpus.FromText(text, spec), first, checkpoint);
        Assert.Equal(RunStatus.Completed, resumed.Train(CancellationToken.None));

        Assert.Equal(straightWeights, resumed.Network.Weights.Whh.data<float>().ToArray());
        Assert.Equal(straight.Metrics.Select(m => m.Loss), first.Metrics.Select(m => m.Loss));
        Assert.Equal(straight.Evaluations, first.Evaluations);
        Assert.Equal(straight.Timesteps, first.Timesteps);
    }

    [Fact]
    public void Train_ThousandSteps_KeepsLiveTensorCountConstant()
    {
        var spec = TestData.Spec(s => { s.Training.Steps = 1000; s.Training.EvalEvery = 50; s.Diagnostics.Every = 50; });
        var recording = new RunRecording(RunInfo.For("test", spec));
        using var session = TrainingSession.Create(spec, CharCorpus.FromText(RnnPipeline.Text.SampleTextGenerator.Generate(4000, 3), spec), recording);
        var live = new List<long>();
        session.Train(CancellationToken.None, p => { if (p.Step % 100 == 99) live.Add(TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount); });
        Assert.Equal(10, live.Count);
        Assert.All(live, n => Assert.Equal(live[0], n));
    }

    [Fact]
    public void Sample_SameSeed_IsDeterministicAndUsesOnlyKnownCharacters()
    {
        var spec = TestData.Spec(s => s.Training.Steps = 60);
        string text = Periodic(2000);
        using var session = TrainingSession.Create(spec, CharCorpus.FromText(text, spec), new RunRecording(RunInfo.For("test", spec)));
        session.Train(CancellationToken.None);
        string a = session.Sample("abc", 40, 0.5, seed: 7);
        Assert.Equal(40, a.Length);
        Assert.Equal(a, session.Sample("abc", 40, 0.5, seed: 7));
        Assert.All(a, c => Assert.Contains(c, "abcdefgh\n\uFFFD"));
        Assert.Equal("defgh\nabcd", session.Sample("abc", 10, 0.05, seed: 1));   // a learned cycle, nearly greedy
    }

    [Fact]
    public void LearningRate_CosineSchedule_FallsFromPeakToTenPercent()
    {
        var spec = TestData.Spec(s => { s.Training.Steps = 100; s.Training.Schedule = LearningRateSchedule.Cosine; s.Training.LearningRate = 0.01; });
        using var session = TrainingSession.Create(spec, CharCorpus.FromText(Periodic(2000), spec), new RunRecording(RunInfo.For("test", spec)));
        Assert.Equal(0.01, session.LearningRate(0), 12);
        Assert.Equal(0.0055, session.LearningRate(50), 12);
        Assert.Equal(0.001, session.LearningRate(100), 12);
    }
}
