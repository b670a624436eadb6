using RnnPipeline.Options;
using RnnPipeline.Training.Engine;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Training;

/// <summary>
/// Trains runs of one shape (<see cref="TrainingSession.ShapeKey"/>) together: each step stacks their weights into
/// one <see cref="Model.Recurrence"/>, so the per-timestep work is one batched matrix product for all runs instead of
/// one per run. Everything else stays each run's own: seed, data, learning rate and schedule, clipping, non-finite
/// policy, diagnostics, records, checkpoints and resume (runs may start from different steps). A run that completes,
/// or whose policy halts it, leaves the batch and the others go on; with one run left it trains alone, over its live
/// weights, as <see cref="TrainingSession.Train"/> trains (a batch of one). Results are those of training each run
/// alone, bit for bit: a run alone is a stack of one (see <see cref="Recurrence"/>; checked in the tests).
/// </summary>
public sealed class TrainingBatch
{
    private readonly TrainingRun[] _runs;
    private readonly int _perStack;

    /// <summary>
    /// Largest [R, T, B, max(H, V)] float32 tensor a stacked step may allocate (a step holds about ten of them): 16 runs
    /// at H = 64 (T = 128, B = 32), the largest stack of <c>make bench</c>'s sweep table.
    /// </summary>
    public const long StackBytes = 16L << 20;

    /// <summary>
    /// Largest [T, B, max(H, V)] float32 tensor of a run that is stacked at all: in <c>make bench</c>'s sweep table on 2
    /// cores, stacks of 2 runs at H = 256 (T = 128, B = 32: 4 MiB per run) trained at 0.7× the speed of the same runs
    /// one after another. 2 MiB stacks H = 128 and keeps H = 256 alone.
    /// </summary>
    private const long RunBytes = 2L << 20;

    /// <summary>How many runs of the shape of <paramref name="spec"/> on <paramref name="corpus"/> one stacked step takes (at least 1): see <see cref="StackBytes"/> and <see cref="RunBytes"/>. Gated cells (LSTM, GRU) are not stacked: 1.</summary>
    public static int MaxRuns(RunSpec spec, CharCorpus corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var (window, batch) = TrainingSession.FittedWindow(spec, corpus);
        return MaxRuns(spec, window, batch, corpus.Vocabulary.Size);
    }

    /// <summary>
    /// <see cref="MaxRuns(RunSpec, CharCorpus)"/> for a training stream of windows of <paramref name="window"/> characters
    /// in <paramref name="batch"/> streams (as fitted to the text) over a vocabulary of <paramref name="vocabulary"/>
    /// symbols, for callers that know the text's sizes but have not loaded it.
    /// </summary>
    public static int MaxRuns(RunSpec spec, int window, long batch, int vocabulary)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Model.Cell != RecurrentCell.Rnn) return 1;
        long bytes = 4L * window * batch * Math.Max(spec.Model.HiddenSize, vocabulary);
        return bytes > RunBytes ? 1 : (int)Math.Max(1, StackBytes / bytes);
    }

    /// <summary>
    /// A batch of <paramref name="runs"/>, which must share one <see cref="TrainingSession.ShapeKey"/>. More runs than
    /// <see cref="MaxRuns(RunSpec, CharCorpus)"/> train as several stacks, one after another within each step.
    /// </summary>
    /// <exception cref="ArgumentException">The runs differ in shape, or the list is empty.</exception>
    public TrainingBatch(IReadOnlyList<TrainingSession> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("a batch needs at least one run", nameof(runs));
        if (runs.Select(r => r.ShapeKey).Distinct().Count() > 1)
            throw new ArgumentException($"runs of one batch need one shape, got {string.Join("; ", runs.Select(r => r.ShapeKey).Distinct())}", nameof(runs));
        _runs = [.. runs.Select(r => r.Run)];
        _perStack = MaxRuns(_runs[0].Spec, _runs[0].Corpus);
    }

    /// <summary>
    /// Trains every run until it completed its steps (or, with <paramref name="until"/>, reached that step), halted, or
    /// <paramref name="cancellation"/> fired (after the current step). Each round is one <see cref="TrainingStep"/> of
    /// every active run, stacks of at most <see cref="MaxRuns(RunSpec, CharCorpus)"/> runs one after another. <paramref name="progress"/> gets
    /// the index of the run (in the order given to the constructor) and its progress after each of its steps. Returns
    /// each run's status.
    /// </summary>
    public RunStatus[] Train(CancellationToken cancellation, Action<int, TrainingProgress>? progress = null, int? until = null)
    {
        var status = new RunStatus?[_runs.Length];
        foreach (var run in _runs) run.Clock.Start();
        try
        {
            while (true)
            {
                for (int i = 0; i < _runs.Length; i++)
                    if (status[i] is null && _runs[i].Finished(until)) status[i] = RunStatus.Completed;
                int[] active = [.. Enumerable.Range(0, _runs.Length).Where(i => status[i] is null)];
                if (active.Length == 0) break;
                if (cancellation.IsCancellationRequested)
                {
                    foreach (int i in active) status[i] = RunStatus.Cancelled;
                    break;
                }
                int[] steps = [.. active.Select(i => _runs[i].State.Step)];
                var outcomes = active.Chunk(_perStack).SelectMany(stack => TrainingStep.Run([.. stack.Select(i => _runs[i])])).ToArray();
                for (int k = 0; k < active.Length; k++)
                {
                    int i = active[k];
                    var done = _runs[i].CountStep(steps[k], outcomes[k].Loss);
                    progress?.Invoke(i, done);
                    if (outcomes[k].Halted) status[i] = RunStatus.Halted;
                }
            }
            return [.. status.Select(s => s!.Value)];
        }
        finally
        {
            foreach (var run in _runs) run.Clock.Stop();
        }
    }
}
