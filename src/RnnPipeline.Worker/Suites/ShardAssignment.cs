using System.Globalization;
using RnnPipeline.Options;

namespace RnnPipeline.Worker.Suites;

/// <summary>
/// Which runs of a suite each shard trains. The runs are ordered so that runs of the same shape (hidden size, window,
/// batch, corpus, activation) sit next to each other, ordered by name within a shape, and the order is cut into
/// <c>COUNT</c> contiguous pieces of about equal estimated cost. Consequences:
/// <list type="bullet">
/// <item>deterministic and stable: it depends only on the expanded runs, so every shard (and every retry of one) of an
/// unchanged suite computes the same assignment, whatever the order of the suite file's grid;</item>
/// <item>balanced by cost, not by count: a suite that mixes sizes does not put all large runs on one shard; with equal
/// costs the shards' run counts differ by at most one;</item>
/// <item>seeds, gains and clipping modes of one configuration stay together on as few shards as the balance allows, so a
/// process that trains same-shape runs as one batch still finds them together (a round-robin or hash assignment would
/// spread every such group over all shards).</item>
/// </list>
/// Every run belongs to exactly one shard; with more shards than runs the last shards get none.
/// </summary>
public static class ShardAssignment
{
    /// <summary>Indices into <paramref name="runs"/> of the runs <paramref name="shard"/> trains, in suite order.</summary>
    public static IReadOnlyList<int> RunsOf(IReadOnlyList<RunSpec> runs, Shard shard)
    {
        int[] owner = Owners(runs, shard.Count);
        return Enumerable.Range(0, runs.Count).Where(i => owner[i] == shard.Index).ToArray();
    }

    /// <summary>The shard (0 … <paramref name="count"/>−1) of every run.</summary>
    public static int[] Owners(IReadOnlyList<RunSpec> runs, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        int[] order = Enumerable.Range(0, runs.Count).OrderBy(i => ShapeKey(runs[i]), StringComparer.Ordinal)
            .ThenBy(i => runs[i].Name, StringComparer.Ordinal).ToArray();
        var cumulative = new double[order.Length + 1];
        for (int i = 0; i < order.Length; i++) cumulative[i + 1] = cumulative[i] + Cost(runs[order[i]]);

        var owner = new int[runs.Count];
        int start = 0;
        for (int shard = 0; shard < count; shard++)
        {
            int end = shard == count - 1 ? order.Length : Cut(cumulative, start, count - shard - 1, cumulative[^1] * (shard + 1) / count);
            for (int i = start; i < end; i++) owner[order[i]] = shard;
            start = end;
        }
        return owner;
    }

    /// <summary>
    /// The end of the piece that begins at <paramref name="start"/>: the cut whose cumulative cost is nearest to
    /// <paramref name="target"/>, taking at least one run and leaving at least one for each of the <paramref name="later"/> pieces.
    /// </summary>
    private static int Cut(double[] cumulative, int start, int later, double target)
    {
        int runs = cumulative.Length - 1;
        int lo = Math.Min(start + 1, runs), hi = Math.Max(lo, runs - later);
        int best = lo;
        for (int end = lo + 1; end <= hi; end++)
            if (Math.Abs(cumulative[end] - target) < Math.Abs(cumulative[best] - target)) best = end;
        return best;
    }

    /// <summary>Runs that could train as one batch share this key (seed, gain, learning rate and clipping may differ).</summary>
    private static string ShapeKey(RunSpec run) => string.Create(CultureInfo.InvariantCulture,
        $"{run.Model.HiddenSize:D9}|{run.SequenceLength:D9}|{run.Training.BatchSize:D9}|{run.Model.Activation}|{run.Corpus.Kind}|{run.Corpus.Path}");

    /// <summary>
    /// Estimated training cost: the recurrent matrix products (B·T·H² multiply-adds per step, forward and backward)
    /// dominate a step at the sizes this tool trains, so steps × B × T × H² orders runs well enough to balance shards
    /// (and, in one process, to start the largest first).
    /// </summary>
    internal static double Cost(RunSpec run) =>
        (double)run.Training.Steps * run.Training.BatchSize * run.SequenceLength * run.Model.HiddenSize * run.Model.HiddenSize;
}
