using System.Diagnostics;
using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Text;
using RnnPipeline.Training;
using RnnPipeline.Training.Benchmarks;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Bench;

/// <summary>One measured variant.</summary>
internal sealed record VariantResult(string Name, double CharsPerSecond, double MillisecondsPerStep, double FinalLoss);

/// <summary>Memory of a long run: resident set after warm-up and at the end.</summary>
internal sealed record MemoryResult(int Steps, double RssAfterWarmupMiB, double RssAtEndMiB)
{
    public double DriftPercent => 100 * (RssAtEndMiB - RssAfterWarmupMiB) / RssAfterWarmupMiB;
}

internal sealed record BenchResults(IReadOnlyList<VariantResult> Variants, MemoryResult Memory);

/// <summary>Runs every variant on the same text, seed and sizes.</summary>
internal sealed class Benchmark(BenchOptions options)
{
    private readonly string _text = SampleTextGenerator.Generate(400_000, 17);

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
        var variants = new List<VariantResult>
        {
            Fused(),
            Ours("ours, tanh, no stability diagnostics", Activation.Tanh, 0),
            Ours("ours, tanh, default diagnostics (every 50 steps)", Activation.Tanh, new DiagnosticsOptions().Every),
            Ours("ours, sigmoid, no stability diagnostics", Activation.Sigmoid, 0),
        };
        return new BenchResults(variants, Memory());
    }

    private VariantResult Fused()
    {
        var spec = Spec(Activation.Tanh, 0, 0);
        var corpus = CharCorpus.FromText(_text, spec);
        var stream = new WindowStream(corpus.Train, options.Batch, options.Window);
        var inputs = new long[options.Window * stream.BatchSize];
        var targets = new long[inputs.Length];
        using var model = new FusedRnnBaseline(corpus.Vocabulary.Size, options.Hidden, stream.BatchSize, 2e-3, 5, seed: 1);
        float loss = 0;
        long start = 0;
        for (int step = 0; step < options.WarmupSteps + options.TimedSteps; step++)
        {
            if (step == options.WarmupSteps) start = Stopwatch.GetTimestamp();
            stream.Next(inputs, targets);
            loss = model.Step(inputs, targets, options.Window, stream.BatchSize);
        }
        return Result("TorchSharp fused nn.RNN (tanh), autograd", Stopwatch.GetElapsedTime(start).TotalSeconds, loss);
    }

    private VariantResult Ours(string name, Activation activation, int diagnosticsEvery)
    {
        var spec = Spec(activation, diagnosticsEvery, options.WarmupSteps + options.TimedSteps);
        long start = 0;
        double loss = 0;
        using var session = TrainingSession.Create(spec, CharCorpus.FromText(_text, spec), new DiscardingSink());
        session.Train(CancellationToken.None, p =>
        {
            if (p.Step == options.WarmupSteps - 1) start = Stopwatch.GetTimestamp();
            loss = p.Loss;
        });
        return Result(name, Stopwatch.GetElapsedTime(start).TotalSeconds, loss);
    }

    private MemoryResult Memory()
    {
        var spec = Spec(Activation.Tanh, new DiagnosticsOptions().Every, options.MemorySteps);
        double afterWarmup = 0;
        int warmup = Math.Min(200, options.MemorySteps / 10);
        using var session = TrainingSession.Create(spec, CharCorpus.FromText(_text, spec), new DiscardingSink());
        session.Train(CancellationToken.None, p => { if (p.Step == warmup) afterWarmup = Rss(); });
        return new MemoryResult(options.MemorySteps, afterWarmup, Rss());
    }

    private static double Rss()
    {
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }

    private VariantResult Result(string name, double seconds, double loss)
    {
        double chars = (double)options.TimedSteps * options.Window * options.Batch;
        return new VariantResult(name, chars / seconds, 1000 * seconds / options.TimedSteps, loss);
    }

    /// <summary>Counts nothing, keeps nothing: the benchmark measures training, not record storage.</summary>
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
