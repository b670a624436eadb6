using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Training;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Tests.Training;

public sealed class GatedTrainingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-gated-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static RunSpec Spec(RecurrentCell cell, Action<RunSpec>? configure = null) => TestData.Spec(s =>
    {
        s.Model.Cell = cell;
        s.Model.HiddenSize = 8;
        configure?.Invoke(s);
    });

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    public void CheckpointAndResume_GatedCell_MatchesUninterruptedRun(RecurrentCell cell)
    {
        var spec = Spec(cell, s =>
        {
            s.Training.Steps = 16;
            s.Training.EvalEvery = 5;
            s.Diagnostics = new DiagnosticsOptions { Every = 5, AnalysisLength = 24, BurnIn = 4, ProbeSequences = 2 };
            s.NonFinite.Policy = NonFinitePolicy.Rollback;
            s.NonFinite.SnapshotEvery = 3;
        });
        string text = RnnPipeline.Text.SampleTextGenerator.Generate(4000, 2);
        var straight = new RunRecording(RunInfo.For("test", spec));
        float[][] straightWeights;
        using (var session = TrainingSession.Create(spec, CharCorpus.FromText(text, spec), straight))
        {
            Assert.Equal(RunStatus.Completed, session.Train(CancellationToken.None));
            straightWeights = Weights(session);
        }

        var first = new RunRecording(RunInfo.For("test", spec));
        string checkpoint = Path.Combine(_folder, "checkpoint.bin");
        using (var session = TrainingSession.Create(spec, CharCorpus.FromText(text, spec), first))
        {
            using var stop = new CancellationTokenSource();
            Assert.Equal(RunStatus.Cancelled, session.Train(stop.Token, p => { if (p.Step == 6) stop.Cancel(); }));
            session.SaveCheckpoint(checkpoint);
        }
        using var resumed = TrainingSession.Resume(spec, CharCorpus.FromText(text, spec), first, checkpoint);
        Assert.Equal(RunStatus.Completed, resumed.Train(CancellationToken.None));

        Assert.Equal(straightWeights, Weights(resumed));
        Assert.Equal(straight.Metrics.Select(m => m.Loss), first.Metrics.Select(m => m.Loss));
        Assert.Equal(straight.Evaluations, first.Evaluations);
        Assert.Equal(straight.Timesteps, first.Timesteps);
        Assert.Equal(straight.Lags, first.Lags);
        Assert.Equal([0, 5, 10, 15], straight.Stability.Select(s => s.Step));
        Assert.All(straight.Timesteps, t => Assert.Equal(cell == RecurrentCell.Lstm, double.IsFinite(t.CellPathNorm)));
        Assert.All(straight.Timesteps, t => Assert.True(t.JacobianNorm > 0 && double.IsFinite(t.JacobianNorm)));
        Assert.All(straight.GradientFlow, g => Assert.Equal(16, g.HiddenGradNorms.Length));
    }

    [Fact]
    public void Train_Lstm_LearnsAPeriodicTextAndSamplesIt()
    {
        var spec = Spec(RecurrentCell.Lstm, s => { s.Model.HiddenSize = 16; s.Training.Steps = 150; s.Training.EvalEvery = 150; s.Training.LearningRate = 0.02; });
        string text = string.Concat(Enumerable.Repeat("abcdefgh\n", 400));
        var recording = new RunRecording(RunInfo.For("test", spec));
        using var session = TrainingSession.Create(spec, CharCorpus.FromText(text, spec), recording);
        Assert.Equal(RunStatus.Completed, session.Train(CancellationToken.None));
        Assert.True(recording.Evaluations[^1].BitsPerChar < 0.5, $"validation {recording.Evaluations[^1].BitsPerChar:F3} bits/char");
        string sample = session.Sample("abc", 30, 0.5, seed: 7);
        Assert.Equal(sample, session.Sample("abc", 30, 0.5, seed: 7));
        Assert.All(sample, c => Assert.Contains(c, "abcdefgh\n\uFFFD"));
    }

    [Fact]
    public void ShapeKey_NamesTheCell_SoGatedRunsNeverStackWithVanillaOnes()
    {
        var corpus = CharCorpus.FromText(RnnPipeline.Text.SampleTextGenerator.Generate(4000, 1), Spec(RecurrentCell.Rnn));
        Assert.StartsWith("Lstm H=8", TrainingSession.ShapeKeyOf(Spec(RecurrentCell.Lstm), corpus));
        Assert.StartsWith("Tanh H=8", TrainingSession.ShapeKeyOf(Spec(RecurrentCell.Rnn), corpus));
        Assert.Equal(1, TrainingBatch.MaxRuns(Spec(RecurrentCell.Gru), corpus));
        Assert.True(TrainingBatch.MaxRuns(Spec(RecurrentCell.Rnn), corpus) > 1);
    }

    [Fact]
    public void ConfigHash_VanillaCell_IsUnchangedByTheCellOption()
    {
        var spec = TestData.Spec();
        Assert.DoesNotContain("Cell", spec.ToJson());
        string hash = spec.ConfigHash();
        spec.Model.Cell = RecurrentCell.Gru;
        Assert.Contains("\"Cell\": \"Gru\"", spec.ToJson());
        Assert.NotEqual(hash, spec.ConfigHash());
    }

    private static float[][] Weights(TrainingSession session) =>
        TorchGuard.Run(() => session.Network.Weights.Named().Select(p => p.Value.data<float>().ToArray()).ToArray());
}
