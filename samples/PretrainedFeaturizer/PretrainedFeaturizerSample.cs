using Microsoft.ML;
using RnnPipeline.MLNet.CharRnn;
using RnnPipeline.Text;

namespace RnnPipeline.Samples;

/// <summary>
/// Train a char-RNN once on unlabelled text, save it, and reuse it as a featurizer in a labelled pipeline whose Fit
/// trains nothing but the classifier; then write the stability report of the pretraining (the worker's HTML report).
/// The same ApplyCharRnn call takes a worker run folder (run.json, checkpoint.bin, SHA256SUMS) instead of the file.
/// </summary>
public static class PretrainedFeaturizerSample
{
    public static void Run(TextWriter output, string folder)
    {
        RnnPipeline.Training.TorchRuntime.Configure(1);
        var ml = new MLContext(seed: 0);
        Directory.CreateDirectory(folder);

        // 1. Once: a language model of unlabelled text (here 60,000 characters of the sample log, as 200-character rows).
        string text = SampleTextGenerator.Generate(60_000, seed: 7);
        var unlabelled = Enumerable.Range(0, text.Length / 200).Select(i => new LineClassificationSample.Line { Text = text.Substring(200 * i, 200) }).ToArray();
        var pretraining = new CharRnnOptions { RecordDiagnostics = true };      // for the report below; off by default
        pretraining.Run.Model.HiddenSize = 48;
        pretraining.Run.Training.Steps = 300;
        string model = Path.Combine(folder, "charrnn.bin");
        using (var pretrained = ml.Transforms.Text.FeaturizeCharRnn("CharRnn", "Text", pretraining).Fit(ml.Data.LoadFromEnumerable(unlabelled)))
        {
            pretrained.Save(model);
            string report = pretrained.WriteReport(Path.Combine(folder, "report"));  // package RnnPipeline.MLNet.Reporting
            output.WriteLine($"pretrained: H={pretrained.Model.HiddenSize}, {pretrained.Diagnostics.Metrics.Count} steps, {pretrained.Diagnostics.Stability.Count} stability snapshots, report {Path.GetFileName(report)}");
        }

        // 2. Reuse: FeaturizeText + the pretrained char-RNN's features, one learner; Fit trains only the classifier.
        var rows = LineClassificationSample.Lines(20_000, seed: 1).ToArray();
        var train = ml.Data.LoadFromEnumerable(rows);
        var test = ml.Data.LoadFromEnumerable(LineClassificationSample.Lines(8_000, seed: 2).ToArray());
        var charRnn = ml.Transforms.Text.ApplyCharRnn(model, "CharRnn", "Text");
        var pipeline = ml.Transforms.Text.FeaturizeText("TextFeatures", "Text")
            .Append(charRnn)
            .Append(ml.Transforms.Concatenate("Features", "TextFeatures", "CharRnn"))
            .Append(ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label"))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("LabelKey", "Features"));
        var fitted = pipeline.Fit(train);
        var charRnnPart = fitted.OfType<CharRnnTransformer>().Single();
        // SDCA passed over the features many times; the featurizer's cache ran the RNN once per training row.
        output.WriteLine($"char-RNN pretrained: {charRnn.IsPretrained}, RNN reads per training row: {charRnnPart.RowsRead / (double)rows.Length:F1}");
        var metrics = ml.MulticlassClassification.Evaluate(fitted.Transform(test), labelColumnName: "LabelKey");
        output.WriteLine($"micro accuracy: {metrics.MicroAccuracy:F2}");
    }
}

// Expected output:
// pretrained: H=48, 300 steps, 21 stability snapshots, report report.html
// char-RNN pretrained: True, RNN reads per training row: 1.0
// micro accuracy: 1.00
