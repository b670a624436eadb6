using Microsoft.ML;
using Microsoft.ML.Data;
using RnnPipeline.MLNet.CharRnn;
using RnnPipeline.Samples;
using RnnPipeline.Training.Text;
using Xunit.Abstractions;

namespace RnnPipeline.Tests.MLNet;

/// <summary>Defined behaviour for short, empty, missing, very long and unseen-character rows (see CharRnnTransformer).</summary>
public sealed class CharRnnInputsTests(ITestOutputHelper log) : IDisposable
{
    private readonly MLContext _ml = new(seed: 0);
    private readonly CharRnnTransformer _model = Fitted();

    public sealed class Row
    {
        public string? Text { get; set; }
    }

    private static CharRnnTransformer Fitted()
    {
        var ml = new MLContext(seed: 0);
        var options = new CharRnnOptions
        {
            Pooling = CharRnnPooling.Concatenated,
            Normalization = CharRnnNormalization.None,                              // the pooled states as read
            Run = { Model = { HiddenSize = 8 }, Training = { Steps = 20, BatchSize = 8, WindowLength = 16, EvalEvery = 20 }, Diagnostics = { Every = 0 } },
        };
        var lines = LineClassificationSample.Lines(6000, 1).Select(l => new Row { Text = l.Text }).ToArray();
        return ml.Transforms.Text.FeaturizeCharRnn("F", "Text", options, "Bits").Fit(ml.Data.LoadFromEnumerable(lines));
    }

    public void Dispose() => _model.Dispose();

    private (float[] Features, float Bits)[] Featurize(params string?[] texts)
    {
        var output = _model.Transform(_ml.Data.LoadFromEnumerable(texts.Select(t => new Row { Text = t }).ToArray()));
        return output.GetColumn<float[]>("F").Zip(output.GetColumn<float>("Bits")).ToArray();
    }

    private static void AssertSame((float[] Features, float Bits) expected, (float[] Features, float Bits) actual)
    {
        Assert.Equal(expected.Features, actual.Features);
        Assert.Equal(expected.Bits, actual.Bits);
    }

    [Fact]
    public void Transform_EmptyNullAndOneCharacterRows_GiveFiniteFeaturesAndBitsPerChar()
    {
        var rows = Featurize("", null, "a", "ab", "the lamp");
        Assert.All(rows, r => Assert.True(r.Features.Length == 24 && r.Features.All(float.IsFinite) && float.IsFinite(r.Bits) && r.Bits > 0, $"{r.Bits}"));
        Assert.Equal(rows[0].Features, rows[1].Features);                          // null reads as empty
        Assert.Equal(rows[0].Bits, rows[1].Bits);
        Assert.NotEqual(rows[0].Features, rows[2].Features);
    }

    [Fact]
    public void Transform_Concatenated_IsLastThenMeanThenMax()
    {
        var row = Featurize("the lamp at 5.30.")[0].Features;
        var reading = _model.Model.Read("the lamp at 5.30.");
        Assert.Equal([.. reading.Last, .. reading.Mean, .. reading.Max], row);
        Assert.All(reading.Mean.Zip(reading.Max), p => Assert.True(p.First <= p.Second + 1e-6f));
        Assert.All(reading.Last.Zip(reading.Max), p => Assert.True(p.First <= p.Second + 1e-6f));
    }

    [Fact]
    public void Read_MeanAndMax_PoolTheStateAfterEveryCharacterRead()
    {
        const string text = "the lamp";
        // Reading the first k characters ends in the state after the separator and those k characters.
        var states = Enumerable.Range(0, text.Length + 1).Select(k => _model.Model.Read(text[..k]).Last).ToArray();
        var reading = _model.Model.Read(text);
        for (int j = 0; j < _model.Model.HiddenSize; j++)
        {
            Assert.Equal(states.Average(s => s[j]), reading.Mean[j], 1e-5f);
            Assert.Equal(states.Max(s => s[j]), reading.Max[j], 1e-6f);
        }
        Assert.Equal(states[^1], reading.Last);
    }

    [Fact]
    public void Read_InChunks_EqualsReadingInOnePiece()
    {
        const string text = "Sighted the Plover bound west with slate (she signalled all well, 9 hands aboard).";
        var whole = _model.Model.Read(text, chunk: 4096);
        var chunked = _model.Model.Read(text, chunk: 7);
        Assert.All(whole.Last.Zip(chunked.Last), p => Assert.Equal(p.First, p.Second, 1e-5f));
        Assert.All(whole.Mean.Zip(chunked.Mean), p => Assert.Equal(p.First, p.Second, 1e-5f));
        Assert.Equal(whole.Max, chunked.Max);
        Assert.Equal(whole.BitsPerChar, chunked.BitsPerChar, 1e-4f);
    }

    [Fact]
    public void Transform_UnseenCharacters_FoldToKnownOnesOrToOneUnknownSymbol()
    {
        string known = _model.Model.Characters;
        char lower = known.First(c => char.IsLower(c) && !known.Contains(char.ToUpperInvariant(c)));
        Assert.DoesNotContain('\t', known);
        var rows = Featurize($"{char.ToUpperInvariant(lower)}uiet sea", $"{lower}uiet sea", "a\tb", "a b", "the 😀 lamp", "the ✓ lamp", "the 中 lamp", "the \uFFFD lamp");
        AssertSame(rows[1], rows[0]);                                            // unseen case folds to the known one
        AssertSame(rows[3], rows[2]);                                            // any whitespace → space
        AssertSame(rows[7], rows[4]);                                            // a surrogate pair is one unknown symbol
        AssertSame(rows[7], rows[5]);
        AssertSame(rows[7], rows[6]);
        Assert.All(rows, r => Assert.True(r.Features.All(float.IsFinite) && float.IsFinite(r.Bits)));
    }

    [Fact]
    public void Fit_RareTrainingCharacters_TrainTheUnknownSymbol()
    {
        // '#' occurs twice in the training text (below MinCharacterCount 3): it is trained as the unknown symbol.
        var lines = LineClassificationSample.Lines(6000, 1).Select((l, i) => new Row { Text = i is 3 or 9 ? l.Text + " #" : l.Text }).ToArray();
        var options = new CharRnnOptions { Run = { Model = { HiddenSize = 8 }, Training = { Steps = 2, BatchSize = 8, WindowLength = 16 }, Diagnostics = { Every = 0 } } };
        using var model = _ml.Transforms.Text.FeaturizeCharRnn("F", "Text", options).Fit(_ml.Data.LoadFromEnumerable(lines));
        Assert.DoesNotContain('#', model.Model.Characters);
        Assert.Equal(Vocabulary.Unknown, model.Model.Characters[0]);
    }

    [Fact]
    public void Transform_LongRow_StreamsWithBoundedMemory()
    {
        // 400,000 characters keep the test short; RNNPIPELINE_LONG_ROW_CHARS=2000000 measures the README's case.
        int length = int.TryParse(Environment.GetEnvironmentVariable("RNNPIPELINE_LONG_ROW_CHARS"), out int n) ? n : 400_000;
        string text = string.Concat(Enumerable.Repeat("Lit the lamp at 5.30 and put it out at 6.10. ", length / 45 + 1))[..length];
        Featurize("warm up");
        long before = ProcessMemory.ResetPeak();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var row = Featurize(text)[0];
        long peak = ProcessMemory.PeakBytes();
        log.WriteLine($"{length} characters, H = {_model.Model.HiddenSize}: {clock.Elapsed.TotalSeconds:F1} s, resident {before >> 20} MiB before, peak {(peak - before) >> 20} MiB above it");
        Assert.True(row.Features.All(float.IsFinite) && float.IsFinite(row.Bits));
        // The text takes 2 bytes a character (its folded copy, when needed, as much again); the rest must not grow with it.
        Assert.True(peak - before < (100L << 20) + 4L * length, $"peak resident memory grew by {(peak - before) >> 20} MiB");
    }
}
