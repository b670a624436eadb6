using Microsoft.ML;
using Microsoft.ML.Data;
using RnnPipeline.MLNet.CharRnn;
using RnnPipeline.Samples;

namespace RnnPipeline.Tests.MLNet;

/// <summary>One file for a pipeline with a char-RNN featurizer (the cross-process round trip is in ConsumerProjectTests).</summary>
public sealed class CharRnnModelFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-model-file-").FullName;
    private readonly MLContext _ml = new(seed: 0);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static CharRnnOptions Tiny() => new() { Run = { Model = { HiddenSize = 6 }, Training = { Steps = 10, BatchSize = 4, WindowLength = 16, EvalEvery = 10 } } };

    private IDataView Lines(int characters, int seed) => _ml.Data.LoadFromEnumerable(LineClassificationSample.Lines(characters, seed).ToArray());

    private TransformerChain<ITransformer> Fitted() => new([.. _ml.Transforms.Text.FeaturizeCharRnn("F", "Text", Tiny())
        .Append(_ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label"))
        .Append(_ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("LabelKey", "F", maximumNumberOfIterations: 5))
        .Fit(Lines(3000, 1))]);

    [Fact]
    public void SaveWithCharRnn_ThenLoad_GivesTheSameFeaturesAndScores()
    {
        var model = Fitted();
        var input = Lines(1200, 2);
        string path = Path.Combine(_folder, "model.zip");
        _ml.Model.SaveWithCharRnn(model, input.Schema, path);
        Assert.Equal(["model.zip"], Directory.GetFiles(_folder).Select(Path.GetFileName));

        var loaded = _ml.Model.LoadWithCharRnn(path, out var schema);
        Assert.Equal(input.Schema.Select(c => (c.Name, c.Type.ToString())), schema.Select(c => (c.Name, c.Type.ToString())));
        Assert.IsType<CharRnnTransformer>(loaded.First());
        var before = model.Transform(input);
        var after = loaded.Transform(input);
        Assert.Equal(before.GetColumn<float[]>("F").ToArray(), after.GetColumn<float[]>("F").ToArray());
        Assert.Equal(before.GetColumn<float[]>("Score").ToArray(), after.GetColumn<float[]>("Score").ToArray());
        foreach (var part in loaded.Concat(model).OfType<IDisposable>()) part.Dispose();
    }

    public sealed class Plain
    {
        public float Length { get; set; }
    }

    [Fact]
    public void SaveWithCharRnn_APartNeitherCanSave_LeavesTheEarlierFileAsItWasAndNothingElse()
    {
        using var charRnn = _ml.Transforms.Text.FeaturizeCharRnn("F", "Text", Tiny()).Fit(Lines(3000, 1));
        var unsaveable = _ml.Transforms.CustomMapping<LineClassificationSample.Line, Plain>((i, o) => o.Length = i.Text.Length, contractName: null)
            .Fit(Lines(3000, 1));                                                // no contract name: ML.NET cannot save it
        var chain = new TransformerChain<ITransformer>(charRnn, unsaveable);
        string path = Path.Combine(_folder, "model.zip");
        File.WriteAllText(path, "an earlier model");
        Assert.ThrowsAny<Exception>(() => _ml.Model.SaveWithCharRnn(chain, Lines(300, 2).Schema, path));
        Assert.Equal("an earlier model", File.ReadAllText(path));
        Assert.Equal(["model.zip"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void LoadWithCharRnn_MissingTruncatedOrForeignFile_IsOneInputExceptionNamingIt()
    {
        string missing = Path.Combine(_folder, "missing.zip");
        Assert.Contains($"'{missing}' does not exist", Assert.Throws<InputException>(() => _ml.Model.LoadWithCharRnn(missing, out _)).Message);

        var model = Fitted();
        string path = Path.Combine(_folder, "model.zip");
        _ml.Model.SaveWithCharRnn(model, Lines(300, 2).Schema, path);
        string truncated = Path.Combine(_folder, "truncated.zip");
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<InputException>(() => _ml.Model.LoadWithCharRnn(truncated, out _));
        Assert.Contains($"'{truncated}'", error.Message);
        Assert.DoesNotContain('\n', error.Message);

        string foreign = Path.Combine(_folder, "foreign.zip");
        _ml.Model.Save(new TransformerChain<ITransformer>(), Lines(300, 2).Schema, foreign);   // an ML.NET zip, not ours
        Assert.Contains($"'{foreign}'", Assert.Throws<InputException>(() => _ml.Model.LoadWithCharRnn(foreign, out _)).Message);
        foreach (var part in model.OfType<IDisposable>()) part.Dispose();
    }
}
