using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using RnnPipeline.MLNet.CharRnn;
using RnnPipeline.Training;

namespace RnnPipeline.Samples;

/// <summary>
/// Do char-RNN features add to ML.NET's FeaturizeText, or subtract? Two tasks nobody tuned for, each with held-out
/// rows and several seeds, one learner (SDCA maximum entropy with its defaults) on every kind of features:
/// <list type="bullet">
/// <item>natural text — which of six license texts (<see cref="Documents"/>) a 40-character snippet comes from; the
/// documents are cut into 400-character blocks, every fourth block gives the test snippets, the rest the training ones;</item>
/// <item>order — a random 40-letter string holding one 'x' and one 'y'; the label is whether 'x' comes first, so every
/// row has the same kind of letters and only their order tells the classes apart.</item>
/// </list>
/// Variants: FeaturizeText alone; + char-RNN features fitted on the training rows; + char-RNN features of a model
/// pretrained on a larger unlabelled text (for natural text: the other license texts of the folder and the training
/// blocks; for order: 20,000 fresh unlabelled strings); char-RNN alone; and the same without normalization.
/// </summary>
public static class FeatureGainSample
{
    /// <summary>The six documents of the natural-text task (file names in the license folder of a Debian system).</summary>
    public static readonly string[] Documents = ["GPL-3", "Apache-2.0", "Artistic", "MPL-2.0", "LGPL-2.1", "CC0-1.0"];

    public sealed class Row
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";
    }

    /// <summary>Measurement settings (command-line overrides in brackets).</summary>
    public sealed record Settings
    {
        public int Seeds { get; init; } = 3;                     // --seeds
        public int TrainPerClass { get; init; } = 300;           // --train (rows per class)
        public int TestPerClass { get; init; } = 150;            // --test
        public int PretrainSteps { get; init; } = 1500;          // --pretrain-steps
        public int PretrainHidden { get; init; } = 128;          // --pretrain-hidden
        public int? PretrainSeed { get; init; }                  // --pretrain-seed (default: the row seed)
        public int? Hidden { get; init; }                        // --hidden (fitted featurizer; default: CharRnnOptions')
        public int? Steps { get; init; }                         // --steps
        public string[] Variants { get; init; } = ["text", "text+fitted", "text+pretrained", "fitted", "text+fitted-raw", "pretrained"];
        public string[] Tasks { get; init; } = ["natural", "order"];
    }

    public static int Measure(string[] args, TextWriter output)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
            throw new InputException("give the folder of the license texts as the first argument, e.g. /usr/share/common-licenses on Debian");
        string folder = args[0];
        var settings = new Settings();
        for (int i = 1; i < args.Length; i += 2)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new InputException($"{args[i]} needs a value");
            int Number() => int.TryParse(value, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw new InputException($"{args[i]} {value}: give a positive whole number");
            settings = args[i] switch
            {
                "--seeds" => settings with { Seeds = Number() },
                "--train" => settings with { TrainPerClass = Number() },
                "--test" => settings with { TestPerClass = Number() },
                "--hidden" => settings with { Hidden = Number() },
                "--steps" => settings with { Steps = Number() },
                "--pretrain-steps" => settings with { PretrainSteps = Number() },
                "--pretrain-hidden" => settings with { PretrainHidden = Number() },
                "--pretrain-seed" => settings with { PretrainSeed = Number() },
                "--variants" => settings with { Variants = value.Split(',') },
                "--tasks" => settings with { Tasks = value.Split(',') },
                _ => throw new InputException($"unknown option {args[i]}: use --seeds, --train, --test, --hidden, --steps, --pretrain-steps, --pretrain-hidden, --pretrain-seed, --variants, --tasks"),
            };
        }
        Run(output, folder, settings);
        return 0;
    }

    /// <summary>Measures every variant on every task and seed and prints one Markdown table (mean accuracy, its spread over seeds, seconds).</summary>
    public static void Run(TextWriter output, string licenseFolder, Settings settings)
    {
        TorchRuntime.Configure(1);
        var documents = settings.Tasks.Contains("natural") ? ReadDocuments(licenseFolder) : [];
        var results = new Dictionary<(string Task, string Variant), List<(double Accuracy, double Seconds)>>();
        output.WriteLine($"load average before: {LoadAverage()}");
        foreach (string task in settings.Tasks)
            for (int seed = 1; seed <= settings.Seeds; seed++)
            {
                var (train, test, unlabelled, majority) = task switch
                {
                    "natural" => Natural(documents, licenseFolder, settings, seed),
                    "order" => Order(settings, seed),
                    _ => throw new InputException($"unknown task '{task}': use natural, order"),
                };
                if (seed == 1) output.WriteLine($"{task}: {train.Length} training rows, {test.Length} test rows, majority class {majority:F3}");
                CharRnnModel? pretrained = null;
                foreach (string variant in settings.Variants)
                {
                    var clock = Stopwatch.StartNew();
                    if (variant.Contains("pretrained", StringComparison.Ordinal)) pretrained ??= Pretrain(unlabelled, settings, settings.PretrainSeed ?? seed);
                    double accuracy = Accuracy(variant, train, test, pretrained, settings, seed);
                    (results.TryGetValue((task, variant), out var list) ? list : results[(task, variant)] = []).Add((accuracy, clock.Elapsed.TotalSeconds));
                    output.WriteLine($"  {task} seed {seed} {variant}: {accuracy:F3} ({clock.Elapsed.TotalSeconds:F1} s)");
                }
                pretrained?.Dispose();
            }
        output.WriteLine($"load average after: {LoadAverage()}");
        output.WriteLine();
        output.WriteLine("| features | " + string.Join(" | ", settings.Tasks.Select(t => $"{t}: accuracy (min–max)")) + " |");
        output.WriteLine("|---|" + string.Concat(settings.Tasks.Select(_ => "---:|")));
        foreach (string variant in settings.Variants)
            output.WriteLine($"| {variant} | " + string.Join(" | ", settings.Tasks.Select(t => results[(t, variant)] is var r
                ? $"{r.Average(x => x.Accuracy):F3} ({r.Min(x => x.Accuracy):F3}–{r.Max(x => x.Accuracy):F3})" : "")) + " |");
    }

    /// <summary>Held-out accuracy of SDCA on <paramref name="variant"/>'s features.</summary>
    private static double Accuracy(string variant, Row[] train, Row[] test, CharRnnModel? pretrained, Settings settings, int seed)
    {
        var ml = new MLContext(seed: seed);
        var options = new CharRnnOptions();
        if (settings.Hidden is { } h) options.Run.Model.HiddenSize = h;
        if (settings.Steps is { } s) options.Run.Training.Steps = s;
        if (variant.EndsWith("-raw", StringComparison.Ordinal)) options.Normalization = CharRnnNormalization.None;
        bool text = variant.StartsWith("text", StringComparison.Ordinal);
        IEstimator<ITransformer> features = text ? ml.Transforms.Text.FeaturizeText("TextFeatures", nameof(Row.Text)) : new EstimatorChain<ITransformer>();
        string[] columns = text ? ["TextFeatures"] : [];
        if (variant.Contains("fitted", StringComparison.Ordinal) || variant.Contains("pretrained", StringComparison.Ordinal))
        {
            var charRnn = variant.Contains("pretrained", StringComparison.Ordinal)
                ? ml.Transforms.Text.ApplyCharRnn(pretrained!, "CharRnn", nameof(Row.Text), options)
                : ml.Transforms.Text.FeaturizeCharRnn("CharRnn", nameof(Row.Text), options);
            features = features.Append(charRnn);
            columns = [.. columns, "CharRnn"];
        }
        var pipeline = features.Append(ml.Transforms.Concatenate("Features", columns))
            .Append(ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(Row.Label)))
            // One thread: SDCA's result depends on how its threads interleave, and the table must not.
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options { LabelColumnName = "LabelKey", FeatureColumnName = "Features", NumberOfThreads = 1 }));
        var model = pipeline.Fit(ml.Data.LoadFromEnumerable(train));
        double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(test)), "LabelKey").MicroAccuracy;
        foreach (var part in model.OfType<IDisposable>()) part.Dispose();
        return accuracy;
    }

    /// <summary>
    /// A char-RNN language model trained on <paramref name="text"/> rows (no labels), to reuse as a featurizer;
    /// <paramref name="seed"/> sets its initialisation and batching, as a worker run's seed does.
    /// </summary>
    private static CharRnnModel Pretrain(string[] text, Settings settings, int seed)
    {
        var ml = new MLContext(seed: seed);
        var options = new CharRnnOptions();
        options.Run.Model.HiddenSize = settings.PretrainHidden;
        options.Run.Training.Steps = settings.PretrainSteps;
        options.Run.Training.WindowLength = 64;
        using var fitted = ml.Transforms.Text.FeaturizeCharRnn("CharRnn", nameof(Row.Text), options).Fit(ml.Data.LoadFromEnumerable(text.Select(t => new Row { Text = t }).ToArray()));
        return fitted.Model.Clone();
    }

    private static Dictionary<string, string> ReadDocuments(string folder)
    {
        if (!Directory.Exists(folder))
            throw new InputException($"license folder '{folder}' does not exist: give the folder holding {string.Join(", ", Documents)} (on Debian: /usr/share/common-licenses)");
        var missing = Documents.Where(d => !File.Exists(Path.Combine(folder, d))).ToArray();
        if (missing.Length > 0)
            throw new InputException($"license folder '{folder}' lacks {string.Join(", ", missing)}: give the folder holding {string.Join(", ", Documents)} (on Debian: /usr/share/common-licenses, package base-files)");
        return Documents.ToDictionary(d => d, d => Squeeze(File.ReadAllText(Path.Combine(folder, d))));
    }

    /// <summary>The text with every run of whitespace as one space (line breaks and indentation carry no label).</summary>
    private static string Squeeze(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private const int Block = 400, Snippet = 40;

    private static (Row[] Train, Row[] Test, string[] Unlabelled, double Majority) Natural(Dictionary<string, string> documents, string folder, Settings settings, int seed)
    {
        var random = new Random(seed);
        var train = new List<Row>();
        var test = new List<Row>();
        var unlabelled = new List<string>();
        foreach (var (name, text) in documents)
        {
            var blocks = Enumerable.Range(0, text.Length / Block).Select(b => text.Substring(b * Block, Block)).ToArray();
            var testBlocks = blocks.Where((_, b) => b % 4 == 3).ToArray();
            var trainBlocks = blocks.Where((_, b) => b % 4 != 3).ToArray();
            Row Draw(string[] from)
            {
                string block = from[random.Next(from.Length)];
                return new Row { Text = block.Substring(random.Next(Block - Snippet + 1), Snippet), Label = name };
            }
            for (int i = 0; i < settings.TrainPerClass; i++) train.Add(Draw(trainBlocks));
            for (int i = 0; i < settings.TestPerClass; i++) test.Add(Draw(testBlocks));
            unlabelled.AddRange(trainBlocks);
        }
        // The other license texts of the folder (regular files only: links there point at the six), as 400-character rows.
        foreach (string file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            if (!Documents.Contains(Path.GetFileName(file)) && new FileInfo(file).LinkTarget is null)
            {
                string text = Squeeze(File.ReadAllText(file));
                for (int at = 0; at + Block <= text.Length; at += Block) unlabelled.Add(text.Substring(at, Block));
            }
        return ([.. train.OrderBy(_ => random.Next())], [.. test], [.. unlabelled], 1.0 / documents.Count);
    }

    private static (Row[] Train, Row[] Test, string[] Unlabelled, double Majority) Order(Settings settings, int seed)
    {
        var random = new Random(1000 + seed);
        Row Draw()
        {
            const string letters = "abcdefghijklmnopqrstuvw";
            var text = new char[Snippet];
            for (int i = 0; i < Snippet; i++) text[i] = letters[random.Next(letters.Length)];
            int first = random.Next(Snippet), second = random.Next(Snippet - 1);
            if (second >= first) second++;                                     // two distinct positions, uniformly
            text[first] = 'x';
            text[second] = 'y';
            return new Row { Text = new string(text), Label = first < second ? "x first" : "y first" };
        }
        var train = Enumerable.Range(0, 2 * settings.TrainPerClass).Select(_ => Draw()).ToArray();
        var test = Enumerable.Range(0, 2 * settings.TestPerClass).Select(_ => Draw()).ToArray();
        var unlabelled = Enumerable.Range(0, 20_000).Select(_ => Draw().Text).ToArray();
        double majority = Math.Max(test.Count(r => r.Label == "x first"), test.Count(r => r.Label == "y first")) / (double)test.Length;
        return (train, test, unlabelled, majority);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "(not available)";
}
