using System.Globalization;
using RnnPipeline.Options;
using RnnPipeline.Probes;
using RnnPipeline.Training;

namespace RnnPipeline.Worker.Suites;

/// <summary>One part of the peak: what it holds, its bytes in the peak, the phase it belongs to, and the settings that make it smaller.</summary>
/// <param name="Name">What the memory holds.</param>
/// <param name="Bytes">Its bytes in the peak (already multiplied by the runs that hold it at once).</param>
/// <param name="Lower">The settings to lower to shrink it; null when no setting does (the process's fixed cost).</param>
/// <param name="Phase">Null when it is held for the whole run; else the phase it is allocated in (the terms of one phase add up, and only the largest phase counts).</param>
public sealed record MemoryTerm(string Name, double Bytes, string? Lower, string? Phase = null);

/// <summary>
/// An upper bound of the worker's peak resident memory while it trains runs like one run, from their
/// shape alone, before anything is allocated: the process's fixed cost, plus for every run held at once (the runs of
/// one stack, <see cref="RunsPerUnit"/>, times the <c>--parallel</c> units) its text, weights, optimizer state and
/// records, plus the largest phase: a training step (activations and gradients, the validation window, and on a
/// diagnostics step the traces, the analysis sequence and the analyzer's work) or the probe evaluation. Each term
/// counts the tensors the code allocates (the names in docs/operations.md); a dispose scope frees a step's tensors
/// only when the step ends, so everything a step allocates adds up, loops included. It exists to refuse a run that
/// cannot fit in a second rather than after minutes of training, and is checked against the measured peak (VmHWM) in
/// the tests.
/// </summary>
public sealed class MemoryEstimate
{
    /// <summary>
    /// The worker process before any run: the .NET runtime, libtorch's and MKL's libraries, ML.NET, the report's
    /// renderer and the suite. Measured at 230–260 MiB (VmHWM of a one-run suite of H = 8 with and without
    /// diagnostics); counted with a margin for the allocators' own slack (glibc arenas, the GC's heap).
    /// </summary>
    public const double ProcessBytes = 320.0 * (1 << 20);

    /// <summary>
    /// Slack on every run's own terms: glibc keeps freed blocks of a step in its heaps for the next (fragmentation), and
    /// libtorch's kernels take workspaces the tensor counts do not name. 1.25 covered every measured case with room
    /// (docs/operations.md).
    /// </summary>
    public const double Slack = 1.25;

    /// <summary>
    /// What a run the process has trained keeps in memory besides its records (its specification, job, outcome and the
    /// managed objects of saving it): 55 KiB measured as the managed heap's growth per run over a 1,536-run grid of 2-step
    /// runs; counted as 64 KiB.
    /// </summary>
    public const double RunBytes = 64 << 10;

    private const double Float = 4, Double = 8;

    /// <summary>
    /// The peak of a process training <paramref name="run"/> with a text of <paramref name="vocabulary"/> distinct
    /// characters and <paramref name="textLength"/> characters, a probe evaluation of <paramref name="probeEvaluationLength"/>
    /// characters (0 for a text file), <paramref name="parallel"/> units at once (<c>--parallel</c>) and up to
    /// <paramref name="runsPerUnit"/> runs per unit (a stack of runs of one shape, see <see cref="RunsPerUnit"/>), in a
    /// process that trains <paramref name="runsInProcess"/> runs (the suite's, or its shard's) and keeps the records of
    /// each for the report.
    /// </summary>
    public MemoryEstimate(RunSpec run, int vocabulary, long textLength, long probeEvaluationLength, int parallel = 1, int runsPerUnit = 1, int runsInProcess = 1)
    {
        var m = run.Model;
        var d = run.Diagnostics;
        bool gated = m.Cell != RecurrentCell.Rnn, lstm = m.Cell == RecurrentCell.Lstm;
        double h = m.HiddenSize, v = vocabulary, e = m.EmbeddingSize;
        double s = lstm ? 2 * h : h;                                                 // S, the state the Jacobians act on
        double g = m.Cell switch { RecurrentCell.Lstm => 4, RecurrentCell.Gru => 3, _ => 1 };
        double t = run.Corpus.Episodes ? ProbeTextGenerator.EpisodeLength(run.SequenceLength) : run.Training.WindowLength;
        double b = run.Training.BatchSize, n = t * b;
        double parameters = (e > 0 ? v * e : 0) + g * ((e > 0 ? e : v) * h + h * h + (gated ? 2 : 1) * h) + h * v + v;
        double a = d.UseFloat64 ? Double : Float;                                    // the analyzer's precision
        int period = d.Period(m.HiddenSize, run.SequenceLength, run.Training.BatchSize);
        double analyses = period > 0 ? run.Training.Steps / (double)period + 2 : 0;
        double runs = parallel * runsPerUnit;

        // Per character position of a window, float32 values. Vanilla step: h_t, the recurrence's per-step products,
        // ∂L_t/∂h_t, δ_t, f'(a_t) (two for sigmoid) and the backward per-step products (7 of width H); logits, their
        // log-softmax, softmax and p − onehot (5 of width V); the embedding, its stacked copy and gradients (3 of E).
        // Gated step: autograd keeps every gate's input and output per step, and its backward the same again.
        double step = gated ? (lstm ? 140 : 110) * h + 5 * v + 3 * e : 7 * h + 5 * v + 3 * e;
        if (runsPerUnit > 1) step += 3 * h + 2 * v;                                  // a stack's per-run parts copied into one tensor
        // A forward pass without gradients (validation, analysis sequence, probe evaluation): h_t and the per-step
        // products (gated: the gates), logits and log-softmax.
        double forward = (gated ? (lstm ? 24 : 18) : 2) * h + 3 * v + e;

        Terms =
        [
            new("the worker process (runtime, libtorch, ML.NET)", ProcessBytes, null),
            new("the text", runs * Slack * textLength * (sizeof(char) + sizeof(long) + sizeof(float)),
                "a shorter Corpus text (Corpus.Path or Corpus.GeneratedLength)"),
            new("the weights, their gradients and optimizer state", runs * Slack * Float * parameters * (run.NonFinite.Policy == NonFinitePolicy.Rollback ? 10 : 5),
                "Model.HiddenSize (or Model.EmbeddingSize)"),
            new($"the records of the {runsInProcess} run(s) this process trains (kept for the report)",
                runsInProcess * Slack * (RunBytes + 3 * (run.Training.Steps * (Float * t + 256) + analyses * (160 * t + 96 * Math.Max(t, d.AnalysisLength) + 1024))),
                "the runs per process (fewer Grid values, or --shard i/n: each shard holds only its own runs) or Training.Steps or Diagnostics.Every"),
            new("a training window's activations and gradients", runs * Slack * (Float * n * step + 2 * Float * parameters),
                "Training.BatchSize or Training.WindowLength", Step),
            new("the validation window", runs * Slack * Float * n * forward, "Training.BatchSize or Training.WindowLength", Step),
        ];
        if (period > 0)
            Terms = [.. Terms, .. Diagnostics(run, runs, parallel, h, s, g, t, n, a, forward)];
        Terms = [.. Terms, ProbeEvaluation(run, parallel, probeEvaluationLength, v, forward)];
    }

    private const string Step = "a training step", Probe = "the probe evaluation";

    /// <summary>
    /// A diagnostics step's extra memory: each run's traces and analysis sequence (held until the step ends, so every
    /// run of a stack holds its own) and the analyzer's work on one run at a time.
    /// </summary>
    private static IEnumerable<MemoryTerm> Diagnostics(RunSpec run, double runs, int parallel, double h, double s, double g,
        double t, double n, double a, double forward)
    {
        var d = run.Diagnostics;
        bool gated = run.Model.Cell != RecurrentCell.Rnn;
        double pw = Math.Min(d.ProbeSequences, run.Training.BatchSize);             // the window's probe sequences
        double p = d.AnalysisLength > 0 ? d.ProbeSequences : pw;                     // sequences the lag quantities use
        double l = d.AnalysisLength > 0 ? d.AnalysisLength : t;                      // their length
        double ps = Math.Min(d.ProductSequences, p);
        double pre = gated ? 4 * h : h;                                              // kept pre-activations per position

        // The window's trace: all states (h_0 prepended to the whole batch), then copies of the probe sequences'.
        double window = Float * (n * s * (gated ? 2 : 1) + t * pw * (pre + 3 * s));
        // The analysis sequence: a forward pass over burn-in + L steps of P sequences keeping every pre-activation, the
        // states with h_0 prepended, and the trace's copies.
        double total = d.BurnIn + d.AnalysisLength;
        double sequence = d.AnalysisLength > 0 ? Float * (total * d.ProbeSequences * (forward + pre + s) + l * d.ProbeSequences * (pre + 3 * s)) : 0;

        // The analyzer, once per diagnostics step (its scope ends before the next run's). On the window's trace and, with
        // L > 0, on the analysis sequence's: finite copies in its precision and f'(a_t), or a gated cell's gate
        // derivatives and explicit Jacobians [T, P, S, S] (LSTM: the gate block and the cell diagonal, then both side by
        // side; GRU: the gate block, the update diagonal and their sum); the window's ‖J_t‖₂ in float64 (a copy, JᵀJ
        // and the eigensolver's copy). Over the lags: the backpropagated last-step gradient, ~12 [P, S] values per lag,
        // and the Lyapunov QR, ~6 [P, S, k] per step, all kept until the analysis ends; the Jacobian products' float64
        // [PS, S, S] buffers (the running product, its scaled copy, MᵀM, the eigensolver's copy and the kernels'
        // workspace: 8, at least 8 MB each), and float64 copies of the product sequences' factors.
        double k = Math.Min(d.LyapunovExponents, s);
        double jacobians = run.Model.Cell == RecurrentCell.Lstm ? 2 : 3;
        double copies = a * (pre + 3 * s + (gated ? 30 * h : 3 * h));
        double windowWork = t * pw * (copies + (gated ? s * s * (jacobians * a + 3 * Double) : Double * h)) + 2 * Double * h * h;
        double lagWork = (d.AnalysisLength > 0 ? l * p * (copies + (gated ? jacobians * a * s * s : 0)) : 0)
            + l * p * a * s * (12 + 6 * k + (gated ? g : 0))
            + 8 * Double * Math.Max(ps * s * s, 1 << 20)
            + (gated ? 4 * Double * l * ps * s * s : 2 * Double * l * ps * h);
        double analyzer = windowWork + lagWork;
        return
        [
            new("the diagnostics traces of the training window", runs * Slack * window, "Diagnostics.ProbeSequences", Step),
            new("the analysis sequence", runs * Slack * sequence, "Diagnostics.AnalysisLength or Diagnostics.ProbeSequences", Step),
            new(gated ? "the stability analysis (explicit Jacobians and their products)" : "the stability analysis (Jacobian products, Lyapunov exponents, gradient vs lag)",
                parallel * Slack * analyzer,
                gated ? "Diagnostics.AnalysisLength, Diagnostics.ProbeSequences or Diagnostics.ProductSequences"
                      : "Diagnostics.ProductSequences, Diagnostics.AnalysisLength or Diagnostics.ProbeSequences", Step),
        ];
    }

    /// <summary>
    /// The probe evaluation, one run of a unit at a time: the evaluation texts (as strings and indices), a forward pass
    /// over chunks of 256 steps of all streams (64, or one per episode), and one row of V probabilities per dependent.
    /// </summary>
    private static MemoryTerm ProbeEvaluation(RunSpec run, int parallel, long length, double v, double forward)
    {
        double streams = run.Corpus.Episodes ? run.Probe.SamplesPerLag : 64;
        double chunk = Math.Min(length, 256 * streams);
        double bytes = length == 0 ? 0 : Float * chunk * (forward + v) + length * (sizeof(char) + sizeof(long) + (Float * v + 48) / 2);
        return new(Probe, parallel * Slack * bytes, "Probe.SamplesPerLag", Probe);
    }

    /// <summary>Every term: those held for the whole run (<see cref="MemoryTerm.Phase"/> null) and those of each phase.</summary>
    public IReadOnlyList<MemoryTerm> Terms { get; }

    /// <summary>The estimated peak in bytes: the terms held for the whole run plus the largest phase.</summary>
    public double Peak => Terms.Where(x => x.Phase is null).Sum(x => x.Bytes)
        + Terms.Where(x => x.Phase is not null).GroupBy(x => x.Phase).Max(p => p.Sum(x => x.Bytes));

    /// <summary>The largest single term of the peak (the one to lower first): of the held terms and the largest phase's.</summary>
    public MemoryTerm Dominant => Terms.Where(x => x.Phase is null)
        .Concat(Terms.Where(x => x.Phase is not null).GroupBy(x => x.Phase).MaxBy(p => p.Sum(x => x.Bytes))!)
        .MaxBy(x => x.Bytes)!;

    /// <summary>
    /// How many runs of <paramref name="run"/>'s shape one unit may hold at once: <see cref="TrainingBatch.MaxRuns(RunSpec, int, long, int)"/>
    /// for a training split of <paramref name="trainLength"/> characters, at most the <paramref name="runsOfShape"/> runs
    /// that share the shape, split over <paramref name="parallel"/> units.
    /// </summary>
    public static int RunsPerUnit(RunSpec run, int vocabulary, long trainLength, int runsOfShape, int parallel)
    {
        int window = run.Corpus.Episodes ? ProbeTextGenerator.EpisodeLength(run.SequenceLength) : run.Training.WindowLength;
        long streams = run.Corpus.Episodes ? trainLength / window : (trainLength - 1) / window;     // WindowStream's fitted batch
        long batch = Math.Max(1, Math.Min(run.Training.BatchSize, streams));
        int stack = TrainingBatch.MaxRuns(run, run.Corpus.Episodes ? window - 1 : window, batch, vocabulary);
        return Math.Clamp((runsOfShape + parallel - 1) / parallel, 1, stack);
    }

    /// <summary>The refusal line when <see cref="Peak"/> exceeds <paramref name="available"/> bytes, else null.</summary>
    public string? Refusal(double available, string source)
    {
        if (Peak <= available) return null;
        var (need, have) = (Format(Peak), Format(available));
        if (need == have) (need, have) = (Mebibytes(Peak), Mebibytes(available));   // "1.1 GiB, more than the 1.1 GiB available"
        return $"needs an estimated {need} of memory, more than the {have} available ({source}); " +
            $"the largest part is {Dominant.Name} ({Format(Dominant.Bytes)}): " +
            (Dominant.Lower is null ? "no setting lowers it; raise the limit" : $"lower {Dominant.Lower}");
    }

    /// <summary>Bytes in GiB or MiB with one decimal.</summary>
    public static string Format(double bytes) => bytes >= 1 << 30
        ? (bytes / (1 << 30)).ToString("F1", CultureInfo.InvariantCulture) + " GiB"
        : Mebibytes(bytes);

    private static string Mebibytes(double bytes) => (bytes / (1 << 20)).ToString("F1", CultureInfo.InvariantCulture) + " MiB";
}
