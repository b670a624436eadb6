using System.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Optim;
using RnnPipeline.Training.Text;
using static TorchSharp.torch;

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
    private readonly TrainingSession[] _runs;
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
        if (spec.Model.Cell != RecurrentCell.Rnn) return 1;
        var (window, batch) = TrainingSession.FittedWindow(spec, corpus);
        long bytes = 4L * window * batch * Math.Max(spec.Model.HiddenSize, corpus.Vocabulary.Size);
        return bytes > RunBytes ? 1 : (int)Math.Max(1, StackBytes / bytes);
    }

    /// <summary>
    /// A batch of <paramref name="runs"/>, which must share one <see cref="TrainingSession.ShapeKey"/>. More runs than
    /// <see cref="MaxRuns"/> train as several stacks, one after another within each step.
    /// </summary>
    /// <exception cref="ArgumentException">The runs differ in shape, or the list is empty.</exception>
    public TrainingBatch(IReadOnlyList<TrainingSession> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("a batch needs at least one run", nameof(runs));
        if (runs.Select(r => r.ShapeKey).Distinct().Count() > 1)
            throw new ArgumentException($"runs of one batch need one shape, got {string.Join("; ", runs.Select(r => r.ShapeKey).Distinct())}", nameof(runs));
        _runs = [.. runs];
        _perStack = MaxRuns(_runs[0].Spec, _runs[0].Corpus);
    }

    /// <summary>
    /// Trains every run until it completed its steps (or, with <paramref name="until"/>, reached that step), halted, or
    /// <paramref name="cancellation"/> fired (after the current step). <paramref name="progress"/> gets the index of the
    /// run (in the order given to the constructor) and its progress after each of its steps. Returns each run's status.
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
                int[] steps = [.. active.Select(i => _runs[i].Step)];
                var results = active.Chunk(_perStack).SelectMany(stack => Step([.. stack.Select(i => _runs[i])])).ToArray();
                for (int k = 0; k < active.Length; k++)
                {
                    int i = active[k];
                    _runs[i].Report(steps[k], results[k].Loss, progress is null ? null : p => progress(i, p));
                    if (results[k].Halted) status[i] = RunStatus.Halted;
                }
            }
            return [.. status.Select(s => s!.Value)];
        }
        finally
        {
            foreach (var run in _runs) run.Clock.Stop();
        }
    }

    /// <summary>
    /// One step of every run in <paramref name="runs"/>: batch → forward → loss → backward → (per run) checks → clip →
    /// update → (per run) records. Every tensor operation covers all runs at once over a leading run axis (a run
    /// alone: R = 1 over views of its own tensors); only what a run decides for itself (a fault and its recovery,
    /// snapshots, diagnostics, records) is per run.
    /// </summary>
    private static (double Loss, bool Halted)[] Step(TrainingSession[] runs) => TorchGuard.Run<(double Loss, bool Halted)[]>(() =>
    {
        using var scope = NewDisposeScope();
        long started = Stopwatch.GetTimestamp();
        var inputs = runs.Select(r => r.NextStep(started)).ToArray();
        var weights = new StackedWeights([.. runs.Select(r => r.Network.Weights)]);
        var network = runs[0].Network.Cell == RecurrentCell.Rnn ? Recurrence.Over(weights, runs[0].Network.Activation) : runs[0].Network.Layer;
        var (targets, lossWeights) = (stack(inputs.Select(i => i.Targets)), inputs[0].Weights is null ? null : stack(inputs.Select(i => i.Weights!)));
        var pass = network.Forward(stack(inputs.Select(i => i.Inputs)), stack(runs.Select(r => r.HiddenState)), inputs.Max(i => i.Keep));
        float[] losses = Recurrence.Losses(pass, targets, lossWeights).data<float>().ToArray();
        var grads = network.Backward(pass, targets, lossWeights);
        double[] norms = GradientClipper.GlobalNorms(grads.Parameters);
        var checks = runs.Select((run, r) => run.BeforeUpdate(inputs[r], losses[r], norms[r], pass.Run(r, inputs[r].Keep), grads, r)).ToArray();
        Update(runs, weights, grads, [.. checks.Select(c => c.Pending)]);

        // ---- records and diagnostics, per run ----
        float[] flow = grads.FlowNorms();
        int steps = flow.Length / runs.Length;
        return [.. runs.Select((run, r) => checks[r].Pending is { } pending
            ? (run.AfterUpdate(pending, pass.Run(r, inputs[r].Keep), flow.AsSpan(r * steps, steps)), false)
            : (double.NaN, checks[r].Halted))];
    });

    /// <summary>
    /// Clips and updates the runs whose step passed its checks: one stacked update when all did and share one update
    /// rule (the usual case), otherwise each such run alone (the same operations over its own rows).
    /// </summary>
    private static void Update(TrainingSession[] runs, StackedWeights weights, StackedGradients grads, TrainingSession.PendingStep?[] pending)
    {
        var g = grads.Parameters;
        if (pending.Any(p => p is not null && p.ClipScale != 1)) GradientClipper.Scale(g, [.. pending.Select(p => p?.ClipScale ?? 1)]);
        if (pending.All(p => p is not null) && runs.All(r => r.Optimizer.Kind == runs[0].Optimizer.Kind))
            Optimizer.Step([.. runs.Select(r => r.Optimizer)], weights, g, [.. pending.Select(p => p!.LearningRate)]);
        else
            for (int r = 0; r < runs.Length; r++)
                if (pending[r] is { } p) Optimizer.Step([runs[r].Optimizer], new StackedWeights([runs[r].Network.Weights]), grads.OfRun(r), [p.LearningRate]);
    }
}
