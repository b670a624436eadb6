namespace RnnPipeline.Tests.Worker;

/// <summary>Tiny suites written into a fresh temporary folder, with the sample text beside them.</summary>
internal sealed class TestSuites : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("rnnpipeline-worker-").FullName;

    public string Output => Path.Combine(Folder, "out");

    private static string Samples([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "samples"));

    public TestSuites()
    {
        File.Copy(Path.Combine(Samples(), "tiny.txt"), Path.Combine(Folder, "tiny.txt"));
    }

    /// <summary>A suite of tiny models: two activations × (text, delayed recall).</summary>
    public const string Tiny = """
        {
          "Name": "tiny",
          "Defaults": {
            "Model": { "HiddenSize": 8 },
            "Training": { "Steps": 24, "BatchSize": 4, "WindowLength": 12, "EvalEvery": 8, "EvalWindows": 4, "Seed": 3 },
            "Diagnostics": { "Every": 8, "ProbeSequences": 2 },
            "Probe": { "SamplesPerLag": 20 }
          },
          "Runs": [
            { "Name": "text", "Corpus": { "Kind": "TextFile", "Path": "tiny.txt", "ValidationFraction": 0.2 } },
            { "Name": "recall", "Corpus": { "Kind": "DelayedRecall", "Lags": [2, 4], "GeneratedLength": 3000 } }
          ],
          "Grid": { "Activations": ["Tanh", "Relu"] }
        }
        """;

    /// <summary>Copies the sample text <paramref name="name"/> (e.g. lighthouse-log.txt) beside the suites.</summary>
    public void CopySample(string name) => File.Copy(Path.Combine(Samples(), name), Path.Combine(Folder, name), overwrite: true);

    public string Write(string name, string json)
    {
        string path = Path.Combine(Folder, name);
        File.WriteAllText(path, json);
        return path;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
