using System.Diagnostics;
using RnnPipeline.Tests.Foundation;
using RnnPipeline.Tests.Worker;
using Xunit.Abstractions;

namespace RnnPipeline.Tests.Packaging;

/// <summary>
/// What an ML.NET user does, outside this repository: <c>dotnet new console</c>, <c>dotnet add package
/// RnnPipeline.MLNet</c> from the local feed, a program that fits the featurizer and applies a model the worker trained
/// (its run folder), <c>dotnet run</c>, <c>dotnet publish</c>. Offline: the only package sources are the feed and the NuGet cache the repository was restored into (read as a local
/// folder, without our own packages), and the app gets a package folder of its own, so our packages come from the feed
/// and never from a stale cache entry.
/// </summary>
public sealed class ConsumerProjectTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rnnpipeline-consumer-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private const string Program = """
        using Microsoft.ML;
        using Microsoft.ML.Data;
        using RnnPipeline.MLNet.CharRnn;

        // The same kernels in every process (docs/mlnet.md, "Reproducible numerics"): a model saved here gives the same bits when loaded in another.
        RnnPipeline.Training.KernelPinning.Pin();
        // A host's other threads: one allocates, one forces full collections, for the whole program (no opt-in).
        bool stop = false;
        var pressure = new[]
        {
            new Thread(() => { while (!Volatile.Read(ref stop)) GC.KeepAlive(new byte[512]); }),
            new Thread(() => { while (!Volatile.Read(ref stop)) { GC.Collect(); GC.WaitForPendingFinalizers(); Thread.Sleep(1); } }),
        };
        foreach (var thread in pressure) thread.Start();
        var ml = new MLContext(seed: 0);
        var rows = Enumerable.Range(0, 120).Select(i => new Row
        {
            Text = i % 2 == 0 ? $"(a(b)c) {i}" : $"a)b(c( {i}",
            Label = i % 2 == 0,
        }).ToArray();
        string Digest(IDataView scored) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(
            scored.GetColumn<float[]>("Features").SelectMany(f => f).Concat(scored.GetColumn<float>("Score")).ToArray().AsSpan())));
        if (args[0] == "--load")
        {
            // Another process: the one file the first run saved gives the same features and scores.
            var reloaded = ml.Model.LoadWithCharRnn(args[1], out var inputSchema);
            Console.WriteLine($"loaded: {Digest(reloaded.Transform(ml.Data.LoadFromEnumerable(rows)))}, input columns {string.Join(",", inputSchema.Select(c => c.Name))}");
            Volatile.Write(ref stop, true);
            return;
        }
        var options = new CharRnnOptions();
        options.Run.Model.HiddenSize = 8;
        options.Run.Training.Steps = 20;
        options.Run.Training.WindowLength = 16;
        options.Run.Training.BatchSize = 4;
        var pipeline = ml.Transforms.Text.FeaturizeCharRnn("Features", "Text", options)
            .AppendCacheCheckpoint(ml)
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression("Label", "Features", maximumNumberOfIterations: 5));
        var model = pipeline.Fit(ml.Data.LoadFromEnumerable(rows));
        var features = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Features").ToArray();
        ml.Model.SaveWithCharRnn(model, ml.Data.LoadFromEnumerable(rows).Schema, args[1]);
        Console.WriteLine($"saved: {Digest(model.Transform(ml.Data.LoadFromEnumerable(rows)))}");
        Console.WriteLine($"fitted: {features.Length} rows, {features[0].Length} features, finite: {features.All(f => f.All(float.IsFinite))}");
        var served = new float[8][][];
        Parallel.For(0, served.Length, new ParallelOptions { MaxDegreeOfParallelism = served.Length }, e =>
        {
            var engine = ml.Model.CreatePredictionEngine<Row, Featurized>(model);
            served[e] = rows.Select(r => engine.Predict(r).Features).ToArray();
        });
        Console.WriteLine($"engines: {served.Length}, equal to Transform: {served.All(s => s.Zip(features).All(p => p.First.SequenceEqual(p.Second)))}");
        // A model the worker trained (its run folder, given as the argument) featurizes without training on these rows.
        var apply = ml.Transforms.Text.ApplyCharRnn(args[0], "Pretrained", "Text");
        var applied = apply.Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Pretrained").ToArray();
        Console.WriteLine($"pretrained: {applied.Length} rows, {applied[0].Length} features, fit trains: {!apply.IsPretrained}");
        Console.WriteLine($"gc latency mode: {System.Runtime.GCSettings.LatencyMode}");
        Volatile.Write(ref stop, true);
        foreach (var thread in pressure) thread.Join();

        public sealed class Row
        {
            public string Text { get; set; } = "";
            public bool Label { get; set; }
        }

        public sealed class Featurized
        {
            public float[] Features { get; set; } = [];
        }
        """;

    private string Run(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) info.ArgumentList.Add(a);
        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToArray())
            info.Environment.Remove(key);                                          // the test host's MSBuild settings are not the user's
        info.Environment["NUGET_PACKAGES"] = Path.Combine(_root, "packages");  // the app's own package folder
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in 5 minutes");
        }
        log.WriteLine($"dotnet {string.Join(' ', args)}: exit {process.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }

    /// <summary>
    /// The user's NuGet cache without our own packages (links to its package folders), so that a copy of ours cached
    /// by an earlier <c>dotnet add package</c> of the same version can never stand in for the freshly packed one.
    /// </summary>
    private string CacheWithoutOurPackages()
    {
        string view = Directory.CreateDirectory(Path.Combine(_root, "restored")).FullName;
        foreach (string package in Directory.EnumerateDirectories(PackageFeed.UserCache))
            if (!Path.GetFileName(package).StartsWith("rnnpipeline.", StringComparison.OrdinalIgnoreCase))
                Directory.CreateSymbolicLink(Path.Combine(view, Path.GetFileName(package)), package);
        return view;                                                             // deleting _root removes the links only
    }

    [Fact]
    public void FreshConsoleApp_AddPackageFromLocalFeed_RunsFitWithNoOtherStep()
    {
        string feed = PackageFeed.Folder;
        Assert.False(PackageFeed.IsInside(_root, PackageFeed.Repository), $"{_root} must be outside the repository");
        string restored = CacheWithoutOurPackages();
        File.WriteAllText(Path.Combine(_root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="rnnpipeline" value="{feed}" />
                <add key="restored" value="{restored}" />
              </packageSources>
              <fallbackPackageFolders>
                <clear />
                <add key="restored" value="{restored}" />
              </fallbackPackageFolders>
            </configuration>
            """);

        Run(_root, "new", "console", "--output", "app", "--no-update-check", "--no-restore");
        string app = Path.Combine(_root, "app");
        Run(app, "add", "package", "RnnPipeline.MLNet");
        File.WriteAllText(Path.Combine(app, "Program.cs"), Program);
        using var suites = new TestSuites();
        var worker = WorkerProcess.Run(suites.Folder, "--suite", suites.Write("tiny.json", TestSuites.Tiny), "--output", suites.Output, "--threads", "1");
        Assert.True(worker.ExitCode == 0, worker.Stdout + worker.Stderr);
        string saved = Path.Combine(_root, "model.zip");
        string output = Run(app, "run", "--", Path.Combine(suites.Output, "tiny", "text-tanh"), saved);
        string reloaded = Run(app, "run", "--no-build", "--", "--load", saved);
        string digest = output.Split('\n').Single(l => l.StartsWith("saved: ", StringComparison.Ordinal))["saved: ".Length..].Trim();
        Assert.Contains($"loaded: {digest}, input columns Text,Label", reloaded);

        Assert.Contains("fitted: 120 rows, 24 features, finite: True", output);
        Assert.Contains("engines: 8, equal to Transform: True", output);
        Assert.Contains("pretrained: 120 rows, 24 features, fit trains: False", output);
        Assert.Contains("gc latency mode: ", output);
        Assert.DoesNotContain("gc latency mode: NoGCRegion", output);              // the host's GC mode is its own unless it asks
        // Our packages were restored from the feed into the app's own folder, not taken from a cache.
        Assert.True(File.Exists(Path.Combine(_root, "packages", "rnnpipeline.mlnet", Version, $"rnnpipeline.mlnet.{Version}.nupkg")));
        Assert.True(File.Exists(Path.Combine(_root, "packages", "rnnpipeline.dataviews", Version, $"rnnpipeline.dataviews.{Version}.nupkg")));
        Assert.True(File.Exists(Path.Combine(_root, "packages", "rnnpipeline.training", Version, "buildTransitive", "RnnPipeline.Training.targets")));
        // A featurizer-only app restores no plotting package (the report is RnnPipeline.MLNet.Reporting). SkiaSharp's
        // managed package is not among them: TorchSharp itself depends on it.
        string[] restoredPackages = RestoredPackages(app);
        Assert.Contains("RnnPipeline.MLNet", restoredPackages);
        string[] plotting = [.. restoredPackages.Where(p => p == "RnnPipeline.Reporting" || p.StartsWith("OxyPlot", StringComparison.Ordinal)
            || p.StartsWith("HarfBuzzSharp", StringComparison.Ordinal) || p == "SkiaSharp.NativeAssets.Linux.NoDependencies")];
        Assert.True(plotting.Length == 0, $"a featurizer-only app restored {string.Join(", ", plotting)}");
        if (!OperatingSystem.IsLinux()) return;
        string built = Path.Combine(app, "bin", "Debug", "net10.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(ElfVersionNeeds.IsWeak(built, "GLIBCXX_3.4.32"), $"{built}: the package's build step must mark GLIBCXX_3.4.32 weak");
        Run(app, "publish", "--configuration", "Debug", "--no-build", "--output", "published");   // copies the natives again
        string published = Path.Combine(app, "published", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(ElfVersionNeeds.IsWeak(published, "GLIBCXX_3.4.32"), $"{published}: the package's publish step must mark GLIBCXX_3.4.32 weak");
    }

    /// <summary>The package ids of an app's restore (its obj/project.assets.json "libraries", "Id/Version").</summary>
    private static string[] RestoredPackages(string app)
    {
        using var assets = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(app, "obj", "project.assets.json")));
        return [.. assets.RootElement.GetProperty("libraries").EnumerateObject()
            .Where(library => library.Value.GetProperty("type").GetString() == "package")
            .Select(library => library.Name.Split('/')[0])];
    }

    private static string Version
    {
        get
        {
            string name = Path.GetFileNameWithoutExtension(PackageFeed.Package("RnnPipeline.MLNet"));
            return name["RnnPipeline.MLNet.".Length..];
        }
    }
}
