using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;
using RnnPipeline.MLNet.CharRnn;
using RnnPipeline.Text;

namespace RnnPipeline.Samples;

/// <summary>
/// An ML.NET workflow of the usual kind — classify short texts — with char-RNN features appended before a standard
/// ML.NET trainer. The texts are sentences of the lighthouse log with their first word removed; the label is the kind
/// of entry the word announced (lamp, work, ship, birds, saying, oil), so the model must recognise the style of the rest.
/// </summary>
public static class LineClassificationSample
{
    public sealed class Line
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";
    }

    public sealed class Prediction
    {
        public string PredictedLabel { get; set; } = "";
    }

    private static readonly Dictionary<string, string> Kinds = new()
    {
        ["Lit"] = "lamp", ["In"] = "work", ["Sighted"] = "ship", ["Counted"] = "birds", ["My"] = "saying", ["Oil"] = "oil",
    };

    public static IEnumerable<Line> Lines(int characters, int seed) =>
        Regex.Split(SampleTextGenerator.Generate(characters, seed), @"(?<=[.)])\s+")
            .Select(s => s.Split(' ', 2))
            .Where(p => p.Length == 2 && Kinds.ContainsKey(p[0]))
            .Select(p => new Line { Text = p[1], Label = Kinds[p[0]] });

    public static void Run(TextWriter output)
    {
        RnnPipeline.Training.TorchRuntime.Configure(1);
        var ml = new MLContext(seed: 0);
        var train = ml.Data.LoadFromEnumerable(Lines(30_000, seed: 1).ToArray());
        var test = ml.Data.LoadFromEnumerable(Lines(8_000, seed: 2).ToArray());

        var charRnn = new CharRnnOptions();
        charRnn.Run.Model.HiddenSize = 48;
        charRnn.Run.Training.Steps = 200;
        var pipeline = ml.Transforms.Text.FeaturizeCharRnn("CharRnn", nameof(Line.Text), charRnn)
            .Append(ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(Line.Label)))
            .Append(ml.Transforms.NormalizeMinMax("Features", "CharRnn"))
            .AppendCacheCheckpoint(ml)
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("LabelKey", "Features", maximumNumberOfIterations: 50))
            .Append(ml.Transforms.Conversion.MapKeyToValue(nameof(Prediction.PredictedLabel)));
        var model = pipeline.Fit(train);

        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test), labelColumnName: "LabelKey");
        output.WriteLine($"train rows: {train.GetColumn<string>(nameof(Line.Label)).Count()}, test rows: {test.GetColumn<string>(nameof(Line.Label)).Count()}");
        output.WriteLine($"micro accuracy: {metrics.MicroAccuracy:F2}");
        output.WriteLine($"macro accuracy: {metrics.MacroAccuracy:F2}");

        var engine = ml.Model.CreatePredictionEngine<Line, Prediction>(model);
        foreach (string text in new[] { "the Plover bound west with slate (she signalled all well, 9 hands aboard).", "the lamp at 5.30 and put it out at 6.10." })
            output.WriteLine($"'{text}' → {engine.Predict(new Line { Text = text }).PredictedLabel}");
    }
}

// Expected output:
// train rows: 295, test rows: 78
// micro accuracy: 1.00
// macro accuracy: 1.00
// 'the Plover bound west with slate (she signalled all well, 9 hands aboard).' → ship
// 'the lamp at 5.30 and put it out at 6.10.' → lamp
