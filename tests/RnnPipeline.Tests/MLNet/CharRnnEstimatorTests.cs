using Microsoft.ML;
using Microsoft.ML.Data;
using RnnPipeline.DataViews;
using RnnPipeline.Diagnostics;
using RnnPipeline.MLNet.CharRnn;
using RnnPipeline.Samples;
using Xunit.Abstractions;

namespace RnnPipeline.Tests.MLNet;

public sealed class CharRnnEstimatorTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-charrnn-").FullName;
    private readonly MLContext _ml = new(seed: 0);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static CharRnnOptions Tiny(CharRnnPooling pooling = CharRnnPooling.Last) => new()
    {
        Pooling = pooling,
        Run = { Model = { HiddenSize = 12 }, Training = { Steps = 30, BatchSize = 8, WindowLength = 16, EvalEvery = 30 }, Diagnostics = { Every = 15 } },
    };

    private CharRnnEstimator Featurizer(CharRnnOptions options, string input = "Text") =>
        _ml.Transforms.Text.FeaturizeCharRnn("CharRnnFeatures", input, options, "CharRnnBitsPerChar");

    private IDataView Lines(int characters, int seed) => _ml.Data.LoadFromEnumerable(LineClassificationSample.Lines(characters, seed).ToArray());

    [Fact]
    public void GetOutputSchema_AddsFixedSizeFeatureVectorAndBitsPerChar()
    {
        // SchemaShape.Create is internal: ML.NET's pipelines call it before GetOutputSchema, as this does.
        var create = typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static, [typeof(DataViewSchema)])!;
        var input = (SchemaShape)create.Invoke(null, [Lines(3000, 1).Schema])!;
        var shape = Featurizer(Tiny()).GetOutputSchema(input);
        var features = shape.Single(c => c.Name == "CharRnnFeatures");
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, features.Kind);
        Assert.Equal(NumberDataViewType.Single, features.ItemType);
        Assert.Contains(shape, c => c.Name == "CharRnnBitsPerChar" && c.Kind == SchemaShape.Column.VectorKind.Scalar);
        Assert.Contains(shape, c => c.Name == "Label");
    }

    [Fact]
    public void GetOutputSchema_MissingTextColumn_ThrowsNamingTheColumns()
    {
        var error = Assert.Throws<ArgumentException>(() => Featurizer(Tiny(), "Body").Fit(Lines(3000, 1)));
        Assert.Contains("'Body'", error.Message);
        Assert.Contains("Text", error.Message);
    }

    [Fact]
    public void FitTransform_GivesFiniteFeaturesOfLengthH_DiagnosticsAsDataViews()
    {
        using var transformer = Featurizer(Tiny()).Fit(Lines(6000, 1));
        var output = transformer.Transform(Lines(2000, 2));
        Assert.Equal(12, ((VectorDataViewType)output.Schema["CharRnnFeatures"].Type).Size);
        var features = output.GetColumn<float[]>("CharRnnFeatures").ToArray();
        var bpc = output.GetColumn<float>("CharRnnBitsPerChar").ToArray();
        Assert.All(features, f => Assert.True(f.Length == 12 && f.All(float.IsFinite)));
        Assert.All(bpc, b => Assert.InRange(b, 0.1f, 8f));
        Assert.NotEqual(features[0], features[1]);

        Assert.Equal(30, transformer.Diagnostics.Metrics.Count);
        var timesteps = new RunDataViews(_ml).View(transformer.Diagnostics, RunTables.Timesteps);
        Assert.Equal(3 * 16, timesteps.GetColumn<int>("Timestep").Count());
    }

    [Fact]
    public void SaveLoad_TransformsIdentically()
    {
        using var fitted = Featurizer(Tiny()).Fit(Lines(6000, 1));
        string path = Path.Combine(_folder, "charrnn.bin");
        fitted.Save(path);
        using var loaded = CharRnnTransformer.Load(_ml, path);
        var data = Lines(2000, 3);
        var expected = fitted.Transform(data).GetColumn<float[]>("CharRnnFeatures").SelectMany(f => f).ToArray();
        var actual = loaded.Transform(data).GetColumn<float[]>("CharRnnFeatures").SelectMany(f => f).ToArray();
        Assert.Equal(expected.Length, actual.Length);
        // Equal weights; the saved copy is contiguous in memory, which can change the last bit of a matmul.
        Assert.All(expected.Zip(actual), p => Assert.Equal(p.First, p.Second, 1e-5f));
        Assert.Throws<NotSupportedException>(() => _ml.Model.Save(fitted, data.Schema, Path.Combine(_folder, "model.zip")));
    }

    [Fact]
    public void Pipeline_WithMlNetTrainer_BeatsChanceAndSavesTheMlNetPartAsZip()
    {
        var pipeline = Featurizer(Tiny())
            .Append(_ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label"))
            .Append(_ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("LabelKey", "CharRnnFeatures", maximumNumberOfIterations: 30));
        var model = pipeline.Fit(Lines(8000, 1));
        var metrics = _ml.MulticlassClassification.Evaluate(model.Transform(Lines(4000, 2)), labelColumnName: "LabelKey");
        Assert.True(metrics.MicroAccuracy > 1.0 / 6 + 0.2, $"micro accuracy {metrics.MicroAccuracy:F2}");

        // The supported save route: the char-RNN on its own, the ML.NET part fitted on its output as an ML.NET zip.
        var charRnn = (CharRnnTransformer)model.First();
        string zip = Path.Combine(_folder, "rest.zip");
        var featurized = charRnn.Transform(Lines(2000, 4));
        _ml.Model.Save(new TransformerChain<ITransformer>(model.Skip(1).ToArray()), featurized.Schema, zip);
        var rest = _ml.Model.Load(zip, out _);
        Assert.Equal(model.Transform(Lines(2000, 4)).GetColumn<uint>("PredictedLabel").ToArray(), rest.Transform(featurized).GetColumn<uint>("PredictedLabel").ToArray());
    }

    /// <summary>With the featurizer's own cache off (CharRnnPipelineTests covers it on), as a user-written checkpoint works.</summary>
    [Fact]
    public void Pipeline_WithCacheCheckpoint_RunsTheRnnOverTheInputOnceNotOncePerTrainerPass()
    {
        int reads = 0;
        var lines = LineClassificationSample.Lines(4000, 1).ToArray();
        IEnumerable<LineClassificationSample.Line> Counted()
        {
            reads++;                                                              // one more pass over the input
            foreach (var line in lines) yield return line;
        }
        int Passes(bool cache)
        {
            reads = 0;
            var options = Tiny();
            options.CacheFeatures = false;
            var featurized = Featurizer(options).Append(_ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label"));
            var trainer = _ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("LabelKey", "CharRnnFeatures", maximumNumberOfIterations: 20);
            using var model = (IDisposable)(cache ? featurized.AppendCacheCheckpoint(_ml).Append(trainer) : featurized.Append(trainer)).Fit(_ml.Data.LoadFromEnumerable(Counted())).First();
            return reads;
        }
        int cached = Passes(cache: true), uncached = Passes(cache: false);
        log.WriteLine($"passes over the input: {cached} with the cache checkpoint, {uncached} without");
        Assert.True(cached <= 4, $"{cached} passes with the cache checkpoint");
        Assert.True(uncached >= 2 * cached + 2, $"{uncached} passes without it");
    }

    [Fact]
    public void Fit_ReportsProgressToTheCallersMLContextLog()
    {
        var messages = new List<string>();
        _ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        using var model = Featurizer(Tiny()).Fit(Lines(4000, 1));
        lock (messages) Assert.Contains(messages, m => m.Contains("training a Tanh char-RNN (H=12,", StringComparison.Ordinal));
    }
}
