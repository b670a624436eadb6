using RnnPipeline.Options;
using RnnPipeline.Probes;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Tests.Training.Text;

public sealed class DependentLossTests
{
    [Fact]
    public void Corpus_ScoredPositions_WeighExactlyTheDependents_AndTheStreamKeepsThemWithTheirTargets()
    {
        var spec = new RunSpec { Corpus = { Kind = CorpusKind.DelayedRecall, Lags = [2, 6], KeyCount = 4, GeneratedLength = 4000, Loss = ProbeLoss.Dependents },
                                 Training = { WindowLength = 16, BatchSize = 4 } };
        var probe = ProbeTextGenerator.Generate(spec.Corpus, seed: 3);
        var corpus = CharCorpus.FromText(probe.Text, spec, scored: probe.Targets.Select(t => t.Position));
        var weights = corpus.TrainWeights!;
        var dependents = probe.Targets.Select(t => t.Position).Where(p => p < weights.Length).ToHashSet();
        Assert.Equal(dependents.Count, weights.Count(w => w == 1));
        Assert.All(dependents, p => Assert.Equal(1f, weights[p]));

        var stream = new WindowStream(corpus.Train, 4, 16);
        long[] inputs = new long[64], targets = new long[64];
        float[] windowWeights = new float[64];
        int scored = 0;
        for (int window = 0; window < stream.WindowsPerEpoch; window++)
        {
            stream.Next(inputs, targets, corpus.TrainWeights, windowWeights);
            for (int i = 0; i < 64; i++)
            {
                if (windowWeights[i] == 0) continue;
                scored++;
                Assert.Equal('>', corpus.Vocabulary.Characters[(int)inputs[i]]);             // a dependent follows the cue
                Assert.Contains(corpus.Vocabulary.Characters[(int)targets[i]], probe.Candidates);
            }
        }
        Assert.True(scored > 100, $"only {scored} dependents scored");
    }

    [Fact]
    public void Corpus_WithoutScoredPositions_HasNoWeights() =>
        Assert.Null(CharCorpus.FromText(new string('a', 400), new RunSpec { Training = { WindowLength = 16 } }).TrainWeights);
}
