using Microsoft.ML;
using Microsoft.ML.Data;
using RnnPipeline.MLNet.CharRnn;
using RnnPipeline.Samples;

namespace RnnPipeline.Tests.MLNet;

/// <summary>The featurizer in a pipeline: its defaults, seeds, the feature cache, concurrency and the report of a fit.</summary>
public sealed class CharRnnPipelineTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-charrnn-pipeline-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A featurizer small enough to fit in a test.</summary>
    internal static CharRnnOptions Tiny(Action<CharRnnOptions>? configure = null)
    {
        var options = new CharRnnOptions { Run = { Model = { HiddenSize = 8 }, Training = { Steps = 20, BatchSize = 8, WindowLength = 16, EvalEvery = 20 } } };
        configure?.Invoke(options);
        return options;
    }

    internal static IDataView Lines(MLContext ml, int characters, int seed) => ml.Data.LoadFromEnumerable(LineClassificationSample.Lines(characters, seed).ToArray());

    private static float[] Features(MLContext ml, CharRnnOptions options, int data = 1)
    {
        using var fitted = ml.Transforms.Text.FeaturizeCharRnn("F", "Text", options).Fit(Lines(ml, 3000, data));
        return fitted.Transform(Lines(ml, 600, 2)).GetColumn<float[]>("F").SelectMany(f => f).ToArray();
    }

    [Fact]
    public void Defaults_RecordNoStabilityDiagnostics_OneSwitchTurnsThemOn()
    {
        var options = new CharRnnOptions();
        Assert.Equal(0, options.Run.Diagnostics.Every);
        Assert.False(options.RecordDiagnostics);
        options.RecordDiagnostics = true;
        Assert.Null(options.Run.Diagnostics.Every);                              // the worker's default period
        Assert.True(options.Clone().RecordDiagnostics);

        var ml = new MLContext(seed: 0);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        using var fitted = ml.Transforms.Text.FeaturizeCharRnn("F", "Text", Tiny()).Fit(Lines(ml, 3000, 1));
        Assert.Empty(fitted.Diagnostics.Stability);
        Assert.Equal(20, fitted.Diagnostics.Metrics.Count);                     // loss, clipping and gradient flow are kept
        lock (messages) Assert.Contains(messages, m => m.Contains("(0.0 s of stability diagnostics)", StringComparison.Ordinal));
    }

    [Fact]
    public void Fit_TakesTheMLContextsSeedUnlessOneIsSet()
    {
        var one = Features(new MLContext(seed: 1), Tiny());
        Assert.Equal(one, Features(new MLContext(seed: 1), Tiny()));
        Assert.NotEqual(one, Features(new MLContext(seed: 2), Tiny()));
        Assert.Equal(Features(new MLContext(seed: 1), Tiny(o => o.Seed = 7)), Features(new MLContext(seed: 2), Tiny(o => o.Seed = 7)));
        Assert.Equal(1, new MLContext(seed: 1).Transforms.Text.FeaturizeCharRnn("F", "Text", Tiny()).Options.Seed);
    }

    [Fact]
    public void Normalization_UnitLength_GivesVectorsOfLengthOne()
    {
        var features = new MLContext(seed: 0).Transforms.Text.FeaturizeCharRnn("F", "Text", Tiny()).Fit(Lines(new MLContext(), 3000, 1))
            .Transform(Lines(new MLContext(), 300, 2)).GetColumn<float[]>("F").ToArray();
        Assert.All(features, f => Assert.Equal(1.0, Math.Sqrt(f.Sum(x => (double)x * x)), 4));
    }

    /// <summary>SDCA passes over its input many times; the featurizer's cache runs the RNN once per row anyway.</summary>
    [Fact]
    public void Pipeline_WithoutCacheCheckpoint_RunsTheRnnOncePerRow_UnlessTheCacheIsOff()
    {
        var ml = new MLContext(seed: 0);
        var rows = LineClassificationSample.Lines(3000, 1).ToArray();
        long Reads(bool cache)
        {
            var pipeline = ml.Transforms.Text.FeaturizeCharRnn("F", "Text", Tiny(o => o.CacheFeatures = cache))
                .Append(ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label"))
                .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("LabelKey", "F", maximumNumberOfIterations: 20));
            var model = pipeline.Fit(ml.Data.LoadFromEnumerable(rows));
            using var charRnn = (CharRnnTransformer)model.First();
            return charRnn.RowsRead;
        }
        long cached = Reads(cache: true), uncached = Reads(cache: false);
        Assert.True(cached <= rows.Length, $"{cached} RNN reads of {rows.Length} rows with the cache");
        Assert.True(uncached >= 3 * rows.Length, $"{uncached} RNN reads of {rows.Length} rows without the cache");
    }

    [Fact]
    public void Transform_SameInputTwice_ReadsEachRowOnce()
    {
        var ml = new MLContext(seed: 0);
        using var fitted = ml.Transforms.Text.FeaturizeCharRnn("F", "Text", Tiny()).Fit(Lines(ml, 3000, 1));
        var input = Lines(ml, 600, 2);
        int rows = input.GetColumn<string>("Text").Count();
        var first = fitted.Transform(input).GetColumn<float[]>("F").ToArray();
        var second = fitted.Transform(input).GetColumn<float[]>("F").ToArray();
        Assert.Equal(first, second);
        Assert.Equal(rows, fitted.RowsRead);
    }

    public sealed class Prediction
    {
        public float[] F { get; set; } = [];
    }

    /// <summary>A PredictionEnginePool-style host: one engine per thread from the same transformer, all at once.</summary>
    [Fact]
    public void PredictionEnginesAndTransform_OnSeveralThreads_GiveTheSameFeaturesAsOneThread()
    {
        var ml = new MLContext(seed: 0);
        using var fitted = ml.Transforms.Text.FeaturizeCharRnn("F", "Text", Tiny(o => o.CacheFeatures = false)).Fit(Lines(ml, 3000, 1));
        var lines = LineClassificationSample.Lines(1200, 3).ToArray();
        var single = ml.Model.CreatePredictionEngine<LineClassificationSample.Line, Prediction>(fitted);
        var expected = lines.Select(l => single.Predict(l).F).ToArray();
        var viewExpected = fitted.Transform(ml.Data.LoadFromEnumerable(lines)).GetColumn<float[]>("F").ToArray();
        Assert.Equal(expected, viewExpected);
        var results = new float[8][][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            if (t % 2 == 0)
            {
                var engine = ml.Model.CreatePredictionEngine<LineClassificationSample.Line, Prediction>(fitted);
                results[t] = lines.Select(l => engine.Predict(l).F).ToArray();
            }
            else results[t] = fitted.Transform(ml.Data.LoadFromEnumerable(lines)).GetColumn<float[]>("F").ToArray();
        });
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void Fit_RecordDiagnostics_TakesAtLeastTwentySnapshots()
    {
        var ml = new MLContext(seed: 0);
        using var fitted = ml.Transforms.Text.FeaturizeCharRnn("F", "Text", Tiny(o => { o.Run.Training.Steps = 40; o.RecordDiagnostics = true; }))
            .Fit(Lines(ml, 3000, 1));
        Assert.InRange(fitted.Diagnostics.Stability.Count, 20, 40);
    }
}
