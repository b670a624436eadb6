using System.Diagnostics;
using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Text;
using RnnPipeline.Training;
using RnnPipeline.Training.Benchmarks;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Bench;

/// <summary>One measured variant: median throughput over its timed chunks.</summary>
internal sealed record VariantResult(string Name, double CharsPerSecond, double MillisecondsPerStep, double[] ChunkCharsPerSecond, double DiagnosticsShare);

/// <summary>Memory of a long run: resident set after warm-up and at the end.</summary>
internal sealed record MemoryResult(int Steps, double RssAfterWarmupMiB, double RssAtEndMiB, (int Step, double RssMiB)[] Series)
{
    public double DriftPercent => 100 * (RssAtEndMiB - RssAfterWarmupMiB) / RssAfterWarmupMiB;
}

internal sealed record BenchResults(IReadOnlyList<VariantResult> Variants, MemoryResult Memory);

/// <summary>
/// Runs every variant on the same text, seed and sizes. Variants are timed in interleaved chunks (one chunk of each,
/// round after round) so that a machine whose speed drifts affects them alike; each reports its median chunk.
/// A chunk is one diagnostics period long, so the diagnostics variant pays its analysis once per chunk.
/// </summary>
internal sealed class Benchmark(BenchOptions options)
{
    private readonly string _text = SampleTextGenerator.Generate(400_000, 17);
    private static readonly int Chunk = new DiagnosticsOptions().Every;

    private RunSpec Spec(Activation activation, int diagnosticsEvery, int steps) => new()
    {
        Name = $"bench-{activation}".ToLowerInvariant(),
        Model = { Activation = activation, HiddenSize = options.Hidden, Init = RecurrentInit.Orthogonal },
        Training = { Steps = steps, BatchSize = options.Batch, WindowLength = options.Window, Optimizer = OptimizerKind.Adam, LearningRate = 2e-3, EvalEvery = 1_000_000, Seed = 1 },
        Clipping = { Mode = ClipMode.Norm, Threshold = 5 },
        Diagnostics = { Every = diagnosticsEvery },
    };

    public BenchResults RunAll()
    {
        TorchRuntime.Configure(options.Threads);
        int total = options.WarmupSteps + options.Rounds * Chunk;
        var diagnosticsShare = new double[4];
        var variants = new (string Name, Func<int, int, double> RunSteps)[]
        {
            ("TorchSharp fused nn.RNN (tanh), autograd", Fused()),
            ("ours, tanh, per-step ‖∂L/∂h_t‖, no stability analysis", Ours(Activation.Tanh, 0, total)),
            ($"ours, tanh, default diagnostics (analysis every {Chunk} steps)", Ours(Activation.Tanh, Chunk, total, share => diagnosticsShare[2] = share)),
            ("ours, sigmoid, per-step ‖∂L/∂h_t‖, no stability analysis", Ours(Activation.Sigmoid, 0, total)),
        };
        foreach (var v in variants) v.RunSteps(0, options.WarmupSteps);
        var chunks = variants.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < options.Rounds; round++)
            for (int i = 0; i < variants.Length; i++)
            {
                int from = options.WarmupSteps + round * Chunk;
                double seconds = variants[i].RunSteps(from, from + Chunk);
                chunks[i].Add(Chunk * (double)options.Window * options.Batch / seconds);
                Console.Error.WriteLine($"round {round + 1}/{options.Rounds}: {variants[i].Name}: {chunks[i][^1]:F0} chars/s");
            }
        var results = variants.Select((v, i) =>
        {
            double median = chunks[i].Order().ElementAt(chunks[i].Count / 2);
            return new VariantResult(v.Name, median, 1000.0 * options.Window * options.Batch / median, [.. chunks[i]], diagnosticsShare[i]);
        }).ToArray();
        return new BenchResults(results, Memory());
    }

    /// <summary>Steps [from, to) of the fused baseline; returns the seconds they took.</summary>
    private Func<int, int, double> Fused()
    {
        var spec = Spec(Activation.Tanh, 0, 0);
        var corpus = CharCorpus.FromText(_text, spec);
        var stream = new WindowStream(corpus.Train, options.Batch, options.Window);
        var inputs = new long[options.Window * stream.BatchSize];
        var targets = new long[inputs.Length];
        var model = new FusedRnnBaseline(corpus.Vocabulary.Size, options.Hidden, stream.BatchSize, 2e-3, 5, seed: 1);
        return (from, to) =>
        {
            long start = Stopwatch.GetTimestamp();
            for (int step = from; step < to; step++)
            {
                stream.Next(inputs, targets);
                model.Step(inputs, targets, options.Window, stream.BatchSize);
            }
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        };
    }

    /// <summary>
    /// Steps [from, to) of our trainer; returns the seconds they took. <paramref name="diagnosticsShare"/> receives the
    /// share of the timed steps' wall-clock time spent on stability diagnostics, measured inside the same steps (robust
    /// to a machine whose speed drifts between chunks).
    /// </summary>
    private Func<int, int, double> Ours(Activation activation, int diagnosticsEvery, int total, Action<double>? diagnosticsShare = null)
    {
        var spec = Spec(activation, diagnosticsEvery, total + 1);               // + 1: the last step (which always logs) is never timed
        var session = TrainingSession.Create(spec, CharCorpus.FromText(_text, spec), new DiscardingSink());
        double timed = 0, diagnostics = 0, seen = 0;
        return (from, to) =>
        {
            double before = seen;
            long start = Stopwatch.GetTimestamp();
            session.Train(CancellationToken.None, p => seen = p.DiagnosticsSeconds, until: to);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (from >= options.WarmupSteps)
            {
                timed += seconds;
                diagnostics += seen - before;
                diagnosticsShare?.Invoke(diagnostics / timed);
            }
            return seconds;
        };
    }

    private MemoryResult Memory()
    {
        var spec = Spec(Activation.Tanh, new DiagnosticsOptions().Every, options.MemorySteps);
        // Warm-up covers two diagnostics periods, so that the analysis' buffers are part of the baseline.
        int warmup = Math.Max(options.MemorySteps / 10, 2 * spec.Diagnostics.Every + 1);
        var series = new List<(int Step, double RssMiB)>();
        using var session = TrainingSession.Create(spec, CharCorpus.FromText(_text, spec), new DiscardingSink());
        session.Train(CancellationToken.None, p =>
        {
            if (p.Step == warmup || (p.Step > warmup && p.Step % 500 == 0)) series.Add((p.Step, Rss()));
        });
        series.Add((options.MemorySteps, Rss()));
        return new MemoryResult(options.MemorySteps, series[0].RssMiB, series[^1].RssMiB, [.. series]);
    }

    private static double Rss()
    {
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }

    /// <summary>Keeps nothing: the benchmark measures training, not record storage.</summary>
    private sealed class DiscardingSink : IRunSink
    {
        public void OnTrainingMetric(TrainingMetric row) { }
        public void OnClip(ClipRecord row) { }
        public void OnGradientFlow(GradientFlowRecord row) { }
        public void OnNonFinite(NonFiniteEvent row) { }
        public void OnEvaluation(EvaluationRecord row) { }
        public void OnStability(StabilitySnapshot snapshot) { }
        public void OnProbe(ProbeAccuracy row) { }
    }
}
