using System.Diagnostics;
using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Text;
using RnnPipeline.Training;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Bench;

/// <summary>Throughput of one hidden size: medians over interleaved chunks, the diagnostics cost and the step profiles.</summary>
internal sealed record SizeResult(int Hidden, int ChunkSteps, int DiagnosticsPeriod, double FlopsPerStep, double FusedCharsPerSecond, double OursCharsPerSecond,
    double AnalysisSeconds, double DiagnosticsVariantStepSeconds, double SgemmGflops, PhaseProfile Ours, PhaseProfile Fused, PhaseProfile? Analysis)
{
    /// <summary>Share of training time the default-cadence analysis adds: its measured cost spread over its default period.</summary>
    public double DiagnosticsOverhead => AnalysisSeconds / DiagnosticsPeriod / DiagnosticsVariantStepSeconds;

    /// <summary>Our throughput with the default diagnostics: the step time plus the analysis cost spread over its period.</summary>
    public double OursWithDiagnosticsCharsPerSecond => OursCharsPerSecond / (1 + DiagnosticsOverhead);
}

/// <summary>Median milliseconds per step of each phase, in step order.</summary>
internal sealed record PhaseProfile(int Steps, (string Phase, double Milliseconds)[] Phases);

/// <summary>Memory of a long run: resident set after warm-up and at the end.</summary>
internal sealed record MemoryResult(int Hidden, int Steps, double RssAfterWarmupMiB, double RssAtEndMiB, (int Step, double RssMiB)[] Series)
{
    public double DriftPercent => 100 * (RssAtEndMiB - RssAfterWarmupMiB) / RssAfterWarmupMiB;
}

/// <summary>A sweep of same-shape runs (seeds 1…R) trained in several ways (the first: one after another): median chars/s over interleaved rounds.</summary>
internal sealed record SweepResult(int Hidden, int Runs, int StepsPerRound, int RunsPerStack, (string Name, double CharsPerSecond)[] Variants);

/// <summary>A gated cell's throughput against TorchSharp's fused module of the same cell (one timed chunk of each).</summary>
internal sealed record GatedResult(int Hidden, RecurrentCell Cell, int Steps, double FusedCharsPerSecond, double OursCharsPerSecond);

/// <summary>
/// The default suite's one-lag runs (a sample of its lags, all its seeds, fewer steps) trained as the worker trains them
/// with --parallel P: each run alone, P at a time; and stacks of one lag split over P workers. Median chars/s over rounds.
/// </summary>
internal sealed record SuiteResult(int[] Lags, int Seeds, int Steps, int Workers, double AloneCharsPerSecond, double StackedCharsPerSecond);

internal sealed record BenchResults(int Vocabulary, IReadOnlyList<SizeResult> Sizes, IReadOnlyList<SweepResult> Sweeps, SuiteResult Suite, IReadOnlyList<GatedResult> Gated, MemoryResult Memory, string LoadBefore, string LoadAfter);

/// <summary>
/// For each hidden size, runs the fused baseline, our trainer and our trainer with stability analysis on the same text
/// and seed, timed in interleaved chunks (one chunk of each, round after round, with an sgemm probe between rounds) so
/// that a machine whose speed drifts affects them alike; each reports its median chunk. Then a profile of both steps
/// and, at one size, resident memory over a long run.
/// </summary>
internal sealed class Benchmark(BenchOptions options)
{
    private readonly string _text = SampleTextGenerator.Generate(400_000, 17);

    private RunSpec Spec(int hidden, int diagnosticsEvery, int steps, RecurrentCell cell = RecurrentCell.Rnn) => new()
    {
        Name = $"bench-h{hidden}",
        Model = { Cell = cell, Activation = Activation.Tanh, HiddenSize = hidden, Init = RecurrentInit.Orthogonal },
        Training = { Steps = steps, BatchSize = options.Batch, WindowLength = options.Window, Optimizer = OptimizerKind.Adam, LearningRate = 2e-3, EvalEvery = 1_000_000, Seed = 1 },
        Clipping = { Mode = ClipMode.Norm, Threshold = 5 },
        Diagnostics = { Every = diagnosticsEvery },
    };

    /// <summary>
    /// Steps per chunk: 100 up to H = 256, then fewer in proportion to the O(H²) cost of a step (at least 8), so that
    /// the large sizes take about as long as H = 256.
    /// </summary>
    public static int ChunkSteps(int hidden) => Math.Clamp((int)Math.Round(100 * Math.Pow(256.0 / hidden, 2)), 8, 100);

    /// <summary>Rounds that include the variant with stability analysis (an analysis costs seconds at large H).</summary>
    public const int AnalysisRounds = 2;

    public BenchResults RunAll()
    {
        TorchRuntime.Configure(options.Threads);
        string loadBefore = LoadAverage.Read();
        var vocabulary = CharCorpus.FromText(_text, Spec(64, 0, 1)).Vocabulary.Size;
        using var sgemm = new SgemmPeak();
        var sizes = options.Sizes.Select(h => RunSize(h, vocabulary, sgemm)).ToArray();
        var sweeps = options.SweepSizes.SelectMany(h => options.SweepRuns.Select(runs => Sweep(h, runs))).ToArray();
        var suite = Suite();
        var gated = options.GatedSizes.SelectMany(h => new[] { RecurrentCell.Lstm, RecurrentCell.Gru }.Select(cell => Gated(h, cell))).ToArray();
        var memory = Memory();
        return new BenchResults(vocabulary, sizes, sweeps, suite, gated, memory, loadBefore, LoadAverage.Read());
    }

    /// <summary>
    /// One timed chunk of a quarter of <see cref="ChunkSteps"/> steps (at least 5, after 2 untimed ones) of our gated
    /// <paramref name="cell"/> and of TorchSharp's fused module of the same cell, same text, seed and optimiser.
    /// </summary>
    private GatedResult Gated(int hidden, RecurrentCell cell)
    {
        int steps = Math.Max(5, ChunkSteps(hidden) / 4);
        var fused = Fused(hidden, cell);
        var ours = Ours(hidden, 0, steps + 2, cell);
        fused(0, 2);
        ours(0, 2);
        double fusedSeconds = fused(2, 2 + steps).Seconds, oursSeconds = ours(2, 2 + steps).Seconds;
        double chars = (double)steps * options.Window * options.Batch;
        Console.Error.WriteLine($"{cell} H={hidden}: fused {steps / fusedSeconds:F2} steps/s, ours {steps / oursSeconds:F2} steps/s");
        return new GatedResult(hidden, cell, steps, chars / fusedSeconds, chars / oursSeconds);
    }

    private SizeResult RunSize(int hidden, int vocabulary, SgemmPeak sgemm)
    {
        int chunk = ChunkSteps(hidden), warmup = Math.Max(2, chunk / 10), total = warmup + options.Rounds * chunk;
        var fused = Fused(hidden);
        var ours = Ours(hidden, 0, total);
        var analysed = Ours(hidden, hidden <= options.AnalysisMaxHidden ? chunk : 0, total);   // one analysis per chunk
        fused(0, warmup);
        ours(0, warmup);
        if (hidden <= options.AnalysisMaxHidden) analysed(0, warmup);
        var (fusedChunks, oursChunks, analysisChunks, analysedStepChunks, peaks) = (new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>());
        for (int round = 0; round < options.Rounds; round++)
        {
            int from = warmup + round * chunk;
            fusedChunks.Add(chunk / fused(from, from + chunk).Seconds);
            oursChunks.Add(chunk / ours(from, from + chunk).Seconds);
            if (round < AnalysisRounds && hidden <= options.AnalysisMaxHidden)
            {
                var (seconds, diagnostics) = analysed(from, from + chunk);
                analysisChunks.Add(diagnostics);
                analysedStepChunks.Add((seconds - diagnostics) / chunk);
            }
            peaks.Add(sgemm.Measure(3));
            Console.Error.WriteLine($"H={hidden} round {round + 1}/{options.Rounds}: fused {fusedChunks[^1]:F2} steps/s, ours {oursChunks[^1]:F2} steps/s, analysis {(analysisChunks.Count > 0 ? analysisChunks[^1] : double.NaN):F2} s, sgemm {peaks[^1]:F0} GFLOP/s");
        }
        double chars = (double)options.Window * options.Batch;
        var (oursProfile, fusedProfile, analysisProfile) = Profile(hidden, Math.Max(5, chunk / 4));
        return new SizeResult(hidden, chunk, new DiagnosticsOptions().DefaultPeriod(hidden, options.Window, options.Batch), ModelFlops.PerStep(options.Window, options.Batch, hidden, vocabulary),
            chars * Median(fusedChunks), chars * Median(oursChunks), analysisChunks.Count > 0 ? Median(analysisChunks) : double.NaN, analysisChunks.Count > 0 ? Median(analysedStepChunks) : double.NaN, Median(peaks), oursProfile, fusedProfile, analysisProfile);
    }

    /// <summary>
    /// R runs of one shape that differ in their seed (as in a seed or gain sweep), without diagnostics, trained the same
    /// steps per round in four ways, each on its own copies of the runs, interleaved round after round: one after
    /// another with every thread; as one <see cref="TrainingBatch"/> with every thread; as P stacks (P = threads) on P
    /// workers with one thread each, as the worker trains them with --parallel P; and P runs at a time unbatched.
    /// </summary>
    private SweepResult Sweep(int hidden, int runs)
    {
        int workers = options.Threads, chunk = Math.Max(10, ChunkSteps(hidden) / 4), total = 2 + options.Rounds * chunk;
        var corpus = CharCorpus.FromText(_text, Spec(hidden, 0, total));
        TrainingSession[] Sessions() => [.. Enumerable.Range(1, runs).Select(seed =>
        {
            var spec = Spec(hidden, 0, total);
            spec.Training.Seed = seed;
            return TrainingSession.Create(spec, corpus, new DiscardingSink());
        })];
        var (alone, together, stacks, parallel) = (Sessions(), Sessions(), Sessions(), Sessions());
        var batch = new TrainingBatch(together);
        var stacked = stacks.Chunk((runs + workers - 1) / workers).Select(part => new TrainingBatch(part)).ToArray();
        (string Name, Action<int> Train)[] variants =
        [
            ("one after another", to => { foreach (var s in alone) s.Train(CancellationToken.None, until: to); }),
            ("one batch", to => batch.Train(CancellationToken.None, until: to)),
            ($"{workers} stacks in parallel", to => OneThreadEach(stacked, b => b.Train(CancellationToken.None, until: to))),
            ($"{workers} runs at a time, unbatched", to => OneThreadEach(parallel, s => s.Train(CancellationToken.None, until: to))),
        ];
        var rates = Interleaved(variants, 2, chunk, (double)runs * chunk * options.Window * options.Batch, $"sweep H={hidden} R={runs}");
        int perStack = TrainingBatch.MaxRuns(together[0].Spec, corpus);
        foreach (var session in alone.Concat(together).Concat(stacks).Concat(parallel)) session.Dispose();
        return new SweepResult(hidden, runs, chunk, perStack, [.. variants.Select((v, i) => (v.Name, rates[i]))]);
    }

    /// <summary>
    /// The default suite's one-lag runs (configs/compare-activations.json: tanh, H = 64, orthogonal W_hh, batch 16,
    /// Adam at 0.003, norm clipping at 5, episodes of lag + 1 characters with the loss on the dependent, diagnostics
    /// every 150 steps on one sequence) at lags 2, 8, 32 and 128 with 12 seeds each, trained as the worker trains them
    /// with --parallel P (P = threads): before stacks, each run alone P at a time; now stacks of one lag split evenly
    /// over the P workers (12 seeds, 2 workers: stacks of 6). <see cref="BenchOptions.SuiteSteps"/> steps per run per round.
    /// </summary>
    private SuiteResult Suite()
    {
        int[] lags = [2, 8, 32, 128];
        int seeds = 12, workers = options.Threads, steps = options.SuiteSteps;
        RunSpec Spec(int lag, int seed) => new()
        {
            Name = $"tanh-k{lag}-s{seed}",
            Model = { Activation = Activation.Tanh, HiddenSize = 64, Init = RecurrentInit.Orthogonal },
            Training = { Steps = 2 + options.Rounds * steps, BatchSize = 16, Optimizer = OptimizerKind.Adam, LearningRate = 0.003, Schedule = LearningRateSchedule.Constant, EvalEvery = 1_000_000, Seed = seed },
            Clipping = { Mode = ClipMode.Norm, Threshold = 5 },
            Diagnostics = { Every = 150, AnalysisLength = 0, ProbeSequences = 1 },
            Corpus = { Kind = CorpusKind.DelayedRecall, Episodes = true, Lags = [lag], KeyCount = 16, GeneratedLength = 100_000, Loss = ProbeLoss.Dependents },
        };
        TrainingSession Create(RunSpec spec)
        {
            var probe = RnnPipeline.Probes.ProbeTextGenerator.Generate(spec.Corpus, spec.Training.Seed);
            return TrainingSession.Create(spec, CharCorpus.FromText(probe.Text, spec, scored: probe.Targets.Select(t => t.Position)), new DiscardingSink());
        }
        TrainingSession[][] Lags() => [.. lags.Select(lag => Enumerable.Range(1, seeds).Select(seed => Create(Spec(lag, seed))).ToArray())];
        var (alone, stacked) = (Lags().SelectMany(l => l).ToArray(), Lags());
        var stacks = stacked.SelectMany(lag => lag.Chunk((seeds + workers - 1) / workers).Select(part => new TrainingBatch(part))).ToArray();
        (string Name, Action<int> Train)[] variants =
        [
            ("alone", to => OneThreadEach(alone, s => s.Train(CancellationToken.None, until: to))),
            ("stacked", to => OneThreadEach(stacks, b => b.Train(CancellationToken.None, until: to))),
        ];
        double chars = (double)steps * seeds * lags.Sum(lag => (lag + 1) * 16);
        var rates = Interleaved(variants, 2, steps, chars, "suite");
        foreach (var session in alone.Concat(stacked.SelectMany(l => l))) session.Dispose();
        return new SuiteResult(lags, seeds, steps, workers, rates[0], rates[1]);
    }

    /// <summary>Trains <paramref name="units"/> on the workers (one per thread), one thread each, as the worker's --parallel does.</summary>
    private void OneThreadEach<T>(IEnumerable<T> units, Action<T> train)
    {
        TorchRuntime.Configure(1);
        Parallel.ForEach(units, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, train);
        TorchRuntime.Configure(options.Threads);
    }

    /// <summary>
    /// Every variant trains to step <paramref name="warmup"/> untimed, then <paramref name="chunk"/> more steps per round,
    /// interleaved round after round; returns each variant's median chars/s (<paramref name="chars"/> per chunk).
    /// </summary>
    private double[] Interleaved((string Name, Action<int> Train)[] variants, int warmup, int chunk, double chars, string label)
    {
        foreach (var (_, train) in variants) train(warmup);
        var rates = variants.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < options.Rounds; round++)
        {
            for (int v = 0; v < variants.Length; v++)
            {
                long start = Stopwatch.GetTimestamp();
                variants[v].Train(warmup + (round + 1) * chunk);
                rates[v].Add(chars / Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            Console.Error.WriteLine($"{label} round {round + 1}/{options.Rounds}: " + string.Join(", ", variants.Select((v, i) => $"{v.Name} {rates[i][^1]:F0}")) + " chars/s");
        }
        return [.. rates.Select(Median)];
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Steps [from, to) of the fused baseline of <paramref name="cell"/>; returns the seconds they took.</summary>
    private Func<int, int, (double Seconds, double Diagnostics)> Fused(int hidden, RecurrentCell cell = RecurrentCell.Rnn)
    {
        var spec = Spec(hidden, 0, 0);
        var corpus = CharCorpus.FromText(_text, spec);
        var stream = new WindowStream(corpus.Train, options.Batch, options.Window);
        var inputs = new long[options.Window * stream.BatchSize];
        var targets = new long[inputs.Length];
        var model = new FusedRnnBaseline(corpus.Vocabulary.Size, hidden, stream.BatchSize, 2e-3, 5, seed: 1, cell);
        return (from, to) =>
        {
            long start = Stopwatch.GetTimestamp();
            for (int step = from; step < to; step++)
            {
                stream.Next(inputs, targets);
                model.Step(inputs, targets, options.Window, stream.BatchSize);
            }
            return (Stopwatch.GetElapsedTime(start).TotalSeconds, 0);
        };
    }

    /// <summary>
    /// Steps [from, to) of our trainer; returns the seconds they took and the seconds of those spent on stability
    /// diagnostics, as the session measures them inside its steps.
    /// </summary>
    private Func<int, int, (double Seconds, double Diagnostics)> Ours(int hidden, int diagnosticsEvery, int total, RecurrentCell cell = RecurrentCell.Rnn)
    {
        var spec = Spec(hidden, diagnosticsEvery, total + 1, cell);                   // + 1: the last step (which always logs) is never timed
        var session = TrainingSession.Create(spec, CharCorpus.FromText(_text, spec), new DiscardingSink());
        double seen = 0;
        return (from, to) =>
        {
            double before = seen;
            long start = Stopwatch.GetTimestamp();
            session.Train(CancellationToken.None, p => seen = p.DiagnosticsSeconds, until: to);
            return (Stopwatch.GetElapsedTime(start).TotalSeconds, seen - before);
        };
    }

    /// <summary>
    /// Phase times of both steps over <paramref name="steps"/> alternating steps (after two untimed ones) and, up to
    /// <see cref="BenchOptions.AnalysisMaxHidden"/>, of three stability analyses at the default options (after one untimed).
    /// </summary>
    private (PhaseProfile Ours, PhaseProfile Fused, PhaseProfile? Analysis) Profile(int hidden, int steps)
    {
        var spec = Spec(hidden, 0, steps);
        var corpus = CharCorpus.FromText(_text, spec);
        using var ours = new StepProfiler(spec, corpus);
        var stream = new WindowStream(corpus.Train, options.Batch, options.Window);
        var (inputs, targets) = (new long[options.Window * stream.BatchSize], new long[options.Window * stream.BatchSize]);
        using var fused = new FusedRnnBaseline(corpus.Vocabulary.Size, hidden, stream.BatchSize, 2e-3, 5, seed: 1);
        var fusedTimer = new PhaseTimer();
        for (int step = 0; step < steps + 2; step++)
        {
            ours.Step();
            stream.Next(inputs, targets);
            fused.Step(inputs, targets, options.Window, stream.BatchSize, fusedTimer);
        }
        if (hidden > options.AnalysisMaxHidden) return (Summarise(ours.Timer, steps), Summarise(fusedTimer, steps), null);
        var analysisTimer = new PhaseTimer();
        for (int i = 0; i < 4; i++) ours.Analyze(analysisTimer);
        return (Summarise(ours.Timer, steps), Summarise(fusedTimer, steps), new PhaseProfile(3, [.. analysisTimer.Phases.Select(p => (p, 1000 * analysisTimer.Median(p, skip: 1)))]));
    }

    private static PhaseProfile Summarise(PhaseTimer timer, int steps) =>
        new(steps, [.. timer.Phases.Select(p => (p, 1000 * timer.Median(p, skip: 2)))]);

    /// <summary>The memory run analyses far more often than the default period, so that leaks in the analysis show.</summary>
    public const int MemoryDiagnosticsEvery = 200;

    private MemoryResult Memory()
    {
        var spec = Spec(options.MemoryHidden, MemoryDiagnosticsEvery, options.MemorySteps);
        // Warm-up covers two diagnostics periods, so that the analysis' buffers are part of the baseline.
        int warmup = Math.Max(options.MemorySteps / 10, 2 * MemoryDiagnosticsEvery + 1);
        var series = new List<(int Step, double RssMiB)>();
        using var session = TrainingSession.Create(spec, CharCorpus.FromText(_text, spec), new DiscardingSink());
        session.Train(CancellationToken.None, p =>
        {
            if (p.Step == warmup || (p.Step > warmup && p.Step % 500 == 0)) series.Add((p.Step, Rss()));
        });
        series.Add((options.MemorySteps, Rss()));
        return new MemoryResult(options.MemoryHidden, options.MemorySteps, series[0].RssMiB, series[^1].RssMiB, [.. series]);
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
        public void Record(IRunRecord record) { }
    }
}
