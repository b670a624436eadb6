using Microsoft.ML;
using Microsoft.ML.Data;
using RnnPipeline.MLNet.CharRnn;
using RnnPipeline.Options;
using RnnPipeline.Samples;
using RnnPipeline.Tests.Worker;

namespace RnnPipeline.Tests.MLNet;

/// <summary>The pretrained route: a worker run folder or a saved featurizer as a featurizer that trains nothing.</summary>
public sealed class CharRnnPretrainedTests : IDisposable
{
    private readonly TestSuites _suites = new();
    private readonly MLContext _ml = new(seed: 0);

    public void Dispose() => _suites.Dispose();

    private IDataView Lines(int characters, int seed) => _ml.Data.LoadFromEnumerable(LineClassificationSample.Lines(characters, seed).ToArray());

    /// <summary>A one-run suite on tiny.txt that trains in a second (also the run folder of the worker's file tests).</summary>
    internal const string OneRun = """
        {
          "Name": "pre",
          "Defaults": {
            "Model": { "HiddenSize": 8 },
            "Training": { "Steps": 16, "BatchSize": 4, "WindowLength": 12, "EvalEvery": 8, "EvalWindows": 4 },
            "Diagnostics": { "Every": 0 }
          },
          "Runs": [ { "Name": "text", "Corpus": { "Kind": "TextFile", "Path": "tiny.txt", "ValidationFraction": 0.2 } } ]
        }
        """;

    /// <summary>Trains the one-run suite with the worker and returns the run's folder.</summary>
    private string WorkerRun()
    {
        var result = WorkerProcess.Run(_suites.Folder, "--suite", _suites.Write("pre.json", OneRun), "--output", _suites.Output);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return Path.Combine(_suites.Output, "pre", "text");
    }

    private float[][] Features(ITransformer transformer, IDataView data) => transformer.Transform(data).GetColumn<float[]>("F").ToArray();

    [Fact]
    public void ApplyCharRnn_WorkerRunFolder_FeaturizesWithItsModel_FitTrainsNothing_AndDamageIsNamed()
    {
        string run = WorkerRun();
        var estimator = _ml.Transforms.Text.ApplyCharRnn(run, "F", "Text");
        Assert.True(estimator.IsPretrained);
        using var a = estimator.Fit(Lines(2000, 1));
        using var b = estimator.Fit(Lines(4000, 2));
        Assert.Equal(0, a.RowsRead);                                              // Fit read no row through the RNN
        Assert.Equal(8, a.Model.HiddenSize);
        Assert.Equal(16, a.Diagnostics.Metrics.Count);                           // the run's data/ as the transformer's records
        var test = Lines(600, 3);
        Assert.Equal(Features(a, test), Features(b, test));                      // the rows a fit saw change nothing

        // One clear line naming the file and the fix: a damaged checkpoint, then a missing run.json.
        string checkpoint = Path.Combine(run, "checkpoint.bin");
        byte[] bytes = File.ReadAllBytes(checkpoint);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(checkpoint, bytes);
        var damaged = Assert.Throws<InputException>(() => _ml.Transforms.Text.ApplyCharRnn(run, "F", "Text"));
        Assert.Contains("checkpoint.bin", damaged.Message);
        Assert.Contains("SHA256SUMS", damaged.Message);
        File.Delete(Path.Combine(run, "run.json"));
        var missing = Assert.Throws<InputException>(() => _ml.Transforms.Text.ApplyCharRnn(run, "F", "Text"));
        Assert.Contains("run.json", missing.Message);
        Assert.Contains("does not exist", Assert.Throws<InputException>(() => _ml.Transforms.Text.ApplyCharRnn(Path.Combine(run, "nothing"), "F", "Text")).Message);
    }

    [Theory]
    [InlineData(RecurrentCell.Rnn)]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    public void ApplyCharRnn_SavedFeaturizerOrItsModel_GivesItsFeatures(RecurrentCell cell)
    {
        var options = new CharRnnOptions { Pooling = CharRnnPooling.Mean, Run = { Model = { HiddenSize = 8, Cell = cell }, Training = { Steps = 20, BatchSize = 8, WindowLength = 16, EvalEvery = 20 } } };
        using var fitted = _ml.Transforms.Text.FeaturizeCharRnn("F", "Text", options).Fit(Lines(3000, 1));
        string path = Path.Combine(_suites.Folder, "featurizer.bin");
        fitted.Save(path);
        var test = Lines(600, 3);
        var expected = Features(fitted, test);
        using var fromFile = _ml.Transforms.Text.ApplyCharRnn(path, "F", "Text").Fit(Lines(2000, 2));
        Assert.Equal(CharRnnPooling.Mean, fromFile.Options.Pooling);             // the saved featurizer's settings
        Assert.Equal(cell, fitted.Model.Cell);
        Assert.All(expected, f => Assert.True(f.Length == 8 && f.All(float.IsFinite)));
        using var fromModel = _ml.Transforms.Text.ApplyCharRnn(fitted.Model, "F", "Text", options).Fit(Lines(2000, 2));
        // Equal weights; a copy's memory layout can change the last bit of a matmul.
        foreach (var copy in new[] { Features(fromModel, test), Features(fromFile, test) })
            Assert.All(expected.Zip(copy), p => Assert.All(p.First.Zip(p.Second), v => Assert.Equal(v.First, v.Second, 1e-5f)));
    }
}
