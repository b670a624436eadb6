using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Probes;
using RnnPipeline.Statistics;
using RnnPipeline.Training;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Text;
using static TorchSharp.torch;

namespace RnnPipeline.Tests.Training;

/// <summary>
/// One-lag episodes (Corpus.Episodes): every window row is one whole episode read from h = 0, the loss and validation
/// count the dependent only, and the recorded gradient at the key equals the float64 autograd value.
/// </summary>
public sealed class EpisodeTrainingTests
{
    private const int Lag = 6, Batch = 4;

    private static RunSpec Spec(int steps = 1) => TestData.Spec(s =>
    {
        s.Model.HiddenSize = 8;
        s.Training.Steps = steps;
        s.Training.BatchSize = Batch;
        s.Corpus = new CorpusOptions { Kind = CorpusKind.DelayedRecall, Episodes = true, Lags = [Lag], KeyCount = 4, GeneratedLength = 2_000, Loss = ProbeLoss.Dependents };
    });

    private static CharCorpus Corpus(RunSpec spec)
    {
        var probe = ProbeTextGenerator.Generate(spec.Corpus, spec.Training.Seed);
        return CharCorpus.FromText(probe.Text, spec, scored: probe.Targets.Select(t => t.Position));
    }

    [Fact]
    public void Generator_EpisodesHaveOneLagNoNewlineAndTheDependentLast()
    {
        var spec = Spec();
        var probe = ProbeTextGenerator.Generate(spec.Corpus, 3);
        int length = ProbeTextGenerator.EpisodeLength(Lag);
        Assert.DoesNotContain('\n', probe.Text);
        Assert.All(probe.Targets.Select((t, i) => (t, i)), x =>
        {
            Assert.Equal(x.i * length + Lag, x.t.Position);
            Assert.Equal(probe.Text[x.i * length], x.t.Expected);                 // the key, k characters back
            Assert.Equal('>', probe.Text[x.t.Position - 1]);
        });
        var evaluation = ProbeTextGenerator.GenerateEpisodes(spec.Corpus, 5, 7);
        Assert.Equal(7, evaluation.Count);
        Assert.All(evaluation, e => Assert.Equal((length, Lag), (e.Text.Length, Assert.Single(e.Targets).Position)));
    }

    [Theory]
    [InlineData(CorpusKind.TextFile, new[] { 4 }, ProbeLoss.Dependents, "Corpus.Kind")]
    [InlineData(CorpusKind.DelayedRecall, new[] { 4, 8 }, ProbeLoss.Dependents, "Grid.Lags")]
    [InlineData(CorpusKind.DelayedRecall, new[] { 4 }, ProbeLoss.AllCharacters, "Corpus.Loss")]
    public void EpisodeProblem_NamesTheSettingToChange(CorpusKind kind, int[] lags, ProbeLoss loss, string named)
    {
        var problem = ProbeTextGenerator.EpisodeProblem(new CorpusOptions { Kind = kind, Episodes = true, Lags = lags, Loss = loss });
        Assert.Contains(named, problem);
        Assert.Null(ProbeTextGenerator.EpisodeProblem(new CorpusOptions { Kind = kind, Lags = lags, Loss = loss }));
    }

    [Fact]
    public void Windows_AreWholeEpisodes_InputsFromTheKey_TargetsEndingAtTheDependent_StateResetEveryWindow()
    {
        var spec = Spec();
        var corpus = Corpus(spec);
        var stream = corpus.Windows(corpus.Train, spec);
        Assert.True(stream.ResetsState);
        Assert.Equal((Lag, Batch), (stream.WindowLength, stream.BatchSize));
        var inputs = new long[Lag * Batch];
        var targets = new long[inputs.Length];
        var weights = new float[inputs.Length];
        string text = corpus.Vocabulary.Characters;
        for (int window = 0; window < 3; window++)
        {
            stream.Next(inputs, targets, corpus.TrainWeights, weights);
            for (int b = 0; b < Batch; b++)
            {
                int episode = (window * Batch + b) * ProbeTextGenerator.EpisodeLength(Lag);
                Assert.Equal(corpus.Train[episode], inputs[b]);                     // t = 0 reads the key
                Assert.Equal(corpus.Train[episode], targets[(Lag - 1) * Batch + b]); // the last target is the key again
                Assert.Equal('>', text[(int)inputs[(Lag - 1) * Batch + b]]);
                for (int t = 0; t < Lag; t++) Assert.Equal(t == Lag - 1 ? 1f : 0f, weights[t * Batch + b]);
            }
        }
        Assert.NotNull(corpus.ValidationWeights);
        Assert.Equal(0, corpus.Train.Length % ProbeTextGenerator.EpisodeLength(Lag));  // the split falls between episodes
    }

    [Fact]
    public void KeyGradient_EqualsFloat64AutogradRatioAtKeyAndDependent()
    {
        var spec = Spec();
        var corpus = Corpus(spec);
        var recording = new RunRecording(RunInfo.For("t", spec));
        using (var session = TrainingSession.Create(spec, corpus, recording)) session.Train(CancellationToken.None);
        var flow = Assert.Single(recording.GradientFlow);

        using var scope = NewDisposeScope();
        var stream = corpus.Windows(corpus.Train, spec);
        var (inputs, targets, weights) = (new long[Lag * Batch], new long[Lag * Batch], new float[Lag * Batch]);
        stream.Next(inputs, targets, corpus.TrainWeights, weights);
        using var initial = CharRnnWeights.Create(spec.Model, corpus.Vocabulary.Size, spec.Training.Seed);
        using var toDouble = initial.Map(t => t.to(float64));
        var reference = ReferenceRnn.Run(toDouble, spec.Model.Activation, tensor(inputs, [Lag, Batch]), tensor(targets, [Lag, Batch]),
            zeros(Batch, spec.Model.HiddenSize, dtype: float64), tensor(weights, [Lag, Batch]).to(float64));
        double Mean(Tensor h) => linalg.vector_norm(h.grad!, 2, dims: [1]).mean().item<double>();
        double expected = Math.Log10(Mean(reference.Hidden[0]) / Mean(reference.Hidden[Lag - 1]));
        Assert.Equal(expected, SeedLearning.KeyGradient(flow), 4);
        Assert.True(expected < 0, "the gradient shrinks on its way back to the key at initialisation");
    }

    [Fact]
    public void Validation_CountsTheDependentsOnly()
    {
        var spec = Spec();
        var corpus = Corpus(spec);
        using var session = TrainingSession.Create(spec, corpus, new RunRecording(RunInfo.For("t", spec)));
        // Untrained, the next-character distribution is near uniform over the vocabulary, so the loss on the dependents
        // is near ln V; over every character it would be the same, so check what the weights select instead: the
        // validation loss equals the mean loss of the model's prediction at the dependents.
        var evaluation = session.Evaluate();
        var texts = Enumerable.Range(0, corpus.Validation.Length / ProbeTextGenerator.EpisodeLength(Lag))
            .Select(e => new string([.. corpus.Validation.Skip(e * ProbeTextGenerator.EpisodeLength(Lag)).Take(Lag + 1).Select(i => corpus.Vocabulary.Characters[(int)i])]))
            .Take(spec.Training.EvalWindows * Batch).ToArray();
        var rows = session.PredictNext(texts, [.. texts.Select(_ => (IReadOnlyList<int>)[Lag])]);
        double expected = texts.Select((t, i) => -Math.Log(rows[i][0][corpus.Vocabulary.IndexOf(t[Lag])])).Average();
        Assert.Equal(expected, evaluation.Loss, 4);
    }

    [Fact]
    public void CheckpointAndResume_AcrossAnEpoch_MatchesUninterruptedRun()
    {
        var spec = Spec(steps: 40);
        spec.Training.BatchSize = 8;
        spec.Corpus.GeneratedLength = 1_000;
        spec.Diagnostics.Every = 10;
        spec.Diagnostics.AnalysisLength = 0;
        var corpus = Corpus(spec);
        Assert.True(corpus.Windows(corpus.Train, spec).WindowsPerEpoch < 20, "the run wraps the training episodes");
        var straight = new RunRecording(RunInfo.For("t", spec));
        float[] straightWeights;
        using (var session = TrainingSession.Create(spec, corpus, straight))
        {
            session.Train(CancellationToken.None);
            straightWeights = TorchGuard.Run(() => session.Network.Weights.Whh.data<float>().ToArray());
        }
        var first = new RunRecording(RunInfo.For("t", spec));
        string checkpoint = Path.Combine(Path.GetTempPath(), $"episode-checkpoint-{Guid.NewGuid():N}.bin");
        try
        {
            using (var session = TrainingSession.Create(spec, corpus, first))
            {
                session.Train(CancellationToken.None, until: 13);
                session.SaveCheckpoint(checkpoint);
            }
            using var resumed = TrainingSession.Resume(spec, Corpus(spec), first, checkpoint);
            Assert.Equal(13, resumed.Step);
            resumed.Train(CancellationToken.None);
            Assert.Equal(straightWeights, TorchGuard.Run(() => resumed.Network.Weights.Whh.data<float>().ToArray()));
        }
        finally
        {
            File.Delete(checkpoint);
        }
        Assert.Equal(straight.Metrics.Select(m => m.Loss), first.Metrics.Select(m => m.Loss));
        Assert.Equal(straight.GradientFlow.Select(g => g.HiddenGradNorms), first.GradientFlow.Select(g => g.HiddenGradNorms));
    }
}
