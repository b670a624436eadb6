using RnnPipeline.Options;
using RnnPipeline.Probes;

namespace RnnPipeline.Tests.Core;

public sealed class ProbeTextGeneratorTests
{
    private static CorpusOptions Options(CorpusKind kind) => new() { Kind = kind, Lags = [2, 5, 9], KeyCount = 4, GeneratedLength = 5000 };

    [Theory]
    [InlineData(CorpusKind.DelayedRecall)]
    [InlineData(CorpusKind.BracketMatching)]
    public void Generate_EveryTarget_SitsExactlyLagAfterItsKey(CorpusKind kind)
    {
        var probe = ProbeTextGenerator.Generate(Options(kind), seed: 1);
        Assert.True(probe.Text.Length >= 5000);
        Assert.Equal(4, probe.Candidates.Length);
        Assert.Equal(0.25, probe.Chance);
        foreach (var t in probe.Targets)
        {
            Assert.Equal(t.Expected, probe.Text[t.Position]);
            char key = probe.Text[t.Position - t.Lag];
            int keyIndex = (kind == CorpusKind.DelayedRecall ? "ABCD" : "([{<").IndexOf(key);
            Assert.True(keyIndex >= 0, $"no key {t.Lag} before position {t.Position}");
            Assert.Equal(probe.Candidates[keyIndex], t.Expected);
            Assert.True(t.Position - t.Lag == 0 || probe.Text[t.Position - t.Lag - 1] == '\n', "episodes start after a newline");
        }
        Assert.Equal([2, 5, 9], probe.Targets.Select(t => t.Lag).Distinct().Order());
    }

    [Theory]
    [InlineData(CorpusKind.DelayedRecall, 2)]
    [InlineData(CorpusKind.BracketMatching, 1)]
    public void Generate_BlankFiller_IsOneRepeatedCharacter(CorpusKind kind, int gapShorterThanLag)
    {
        var options = Options(kind);
        options.Filler = ProbeFiller.Blank;
        var probe = ProbeTextGenerator.Generate(options, seed: 1);
        foreach (var t in probe.Targets)
            Assert.Equal(new string('.', t.Lag - gapShorterThanLag), probe.Text.Substring(t.Position - t.Lag + 1, t.Lag - gapShorterThanLag));
    }

    [Theory]
    [InlineData(CorpusKind.DelayedRecall)]
    [InlineData(CorpusKind.BracketMatching)]
    public void Generate_FillerIsIndependentOfTheKey_NoLeakage(CorpusKind kind)
    {
        // Nothing between key and answer may reveal the key: no candidate or key character appears inside an episode,
        // and the filler's character distribution is the same whatever the key.
        var probe = ProbeTextGenerator.Generate(Options(kind), seed: 2);
        var fillerByKey = new Dictionary<char, List<char>>();
        foreach (var t in probe.Targets)
        {
            string filler = probe.Text[(t.Position - t.Lag + 1)..t.Position];
            Assert.DoesNotContain(filler, c => probe.Candidates.Contains(c) || "ABCD([{<".Contains(c));
            fillerByKey.TryAdd(t.Expected, []);
            fillerByKey[t.Expected].AddRange(filler.Where(c => c != '>'));
        }
        var means = fillerByKey.Values.Select(f => f.Average(c => (double)c)).ToArray();
        Assert.True(means.Max() - means.Min() < 1.0, $"filler means differ by key: {string.Join(", ", means)}");
    }

    [Fact]
    public void Generate_IsDeterministicInTheSeed()
    {
        var options = Options(CorpusKind.DelayedRecall);
        Assert.Equal(ProbeTextGenerator.Generate(options, 3).Text, ProbeTextGenerator.Generate(options, 3).Text);
        Assert.NotEqual(ProbeTextGenerator.Generate(options, 3).Text, ProbeTextGenerator.Generate(options, 4).Text);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100_000)]
    public void Generate_LagOutOfRange_IsRejected(int lag)
    {
        var options = new CorpusOptions { Kind = CorpusKind.DelayedRecall, Lags = [lag], GeneratedLength = 5000 };
        Assert.Contains("Corpus.Lags", Assert.Throws<InputException>(() => ProbeTextGenerator.Generate(options, 1)).Message);
    }

    [Theory]
    [InlineData(CorpusKind.DelayedRecall)]
    [InlineData(CorpusKind.BracketMatching)]
    public void GenerateEvaluation_HasExactlySamplesPerLag_InBalancedStreams(CorpusKind kind)
    {
        var streams = ProbeTextGenerator.GenerateEvaluation(Options(kind), seed: 5, samplesPerLag: 30, streams: 4);
        Assert.Equal(4, streams.Count);
        var targets = streams.SelectMany(s => s.Targets).ToArray();
        Assert.Equal([(2, 30), (5, 30), (9, 30)], targets.GroupBy(t => t.Lag).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())));
        foreach (var stream in streams)
        {
            Assert.True(stream.Targets.Count > 0 && stream.Targets[0].Position - stream.Targets[0].Lag > 0, "the warm-up episode comes first, unscored");
            foreach (var t in stream.Targets)
            {
                Assert.Equal(t.Expected, stream.Text[t.Position]);
                Assert.Equal('\n', stream.Text[t.Position - t.Lag - 1]);
            }
        }
        int[] lengths = streams.Select(s => s.Text.Length).ToArray();
        Assert.True(lengths.Max() - lengths.Min() <= 9 + 2, $"stream lengths {string.Join(", ", lengths)} differ by more than one episode");
    }

    [Fact]
    public void GenerateEvaluation_IsDeterministic_AndItsSeedDiffersFromTheRunSeed()
    {
        var options = Options(CorpusKind.DelayedRecall);
        Assert.Equal(ProbeTextGenerator.GenerateEvaluation(options, 7, 10, 2).Select(s => s.Text), ProbeTextGenerator.GenerateEvaluation(options, 7, 10, 2).Select(s => s.Text));
        Assert.All(new[] { 0, 1, 2, 42, -5, int.MaxValue }, seed => Assert.NotEqual(seed, ProbeTextGenerator.EvaluationSeed(seed)));
        Assert.Equal(ProbeTextGenerator.EvaluationSeed(3), ProbeTextGenerator.EvaluationSeed(3));
    }

    [Theory]
    [InlineData(CorpusKind.DelayedRecall, 26, 27)]
    [InlineData(CorpusKind.BracketMatching, 8, 9)]
    public void Generate_KeyCount_UpToTheAlphabet(CorpusKind kind, int largest, int tooMany)
    {
        var options = new CorpusOptions { Kind = kind, Lags = [4], KeyCount = largest, GeneratedLength = 20_000 };
        var probe = ProbeTextGenerator.Generate(options, 1);
        Assert.Equal(largest, probe.Targets.Select(t => t.Expected).Distinct().Count());
        options.KeyCount = tooMany;
        Assert.Equal($"Corpus.KeyCount is {tooMany}: use 2 to {largest} for {kind}", Assert.Throws<InputException>(() => ProbeTextGenerator.Generate(options, 1)).Message);
    }
}
