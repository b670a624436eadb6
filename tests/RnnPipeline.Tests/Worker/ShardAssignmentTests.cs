using RnnPipeline.Options;
using RnnPipeline.Worker.Suites;

namespace RnnPipeline.Tests.Worker;

public sealed class ShardAssignmentTests
{
    private static RunSpec Run(string name, int hidden = 8, Activation activation = Activation.Tanh, int seed = 1) =>
        new() { Name = name, Model = { HiddenSize = hidden, Activation = activation }, Training = { Seed = seed } };

    private static RunSpec[] Runs(int count) => [.. Enumerable.Range(0, count).Select(i => Run($"run{i}", seed: i))];

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 3)]
    [InlineData(8, 3)]
    [InlineData(15, 4)]
    [InlineData(2, 5)]
    public void Owners_EqualCosts_EveryRunOnceAndCountsDifferByAtMostOne(int runs, int shards)
    {
        int[] owners = ShardAssignment.Owners(Runs(runs), shards);
        Assert.All(owners, o => Assert.InRange(o, 0, shards - 1));
        int[] sizes = [.. Enumerable.Range(0, shards).Select(s => owners.Count(o => o == s))];
        Assert.Equal(runs, sizes.Sum());
        Assert.True(sizes.Max() - sizes.Min() <= 1, string.Join(",", sizes));
        for (int s = 0; s < shards; s++)
            Assert.Equal(Enumerable.Range(0, runs).Where(i => owners[i] == s), ShardAssignment.RunsOf(Runs(runs), new Shard(s, shards)));
    }

    [Fact]
    public void Owners_SameRunsInAnotherOrder_SameAssignment()
    {
        RunSpec[] runs = [.. new[] { Activation.Tanh, Activation.Sigmoid, Activation.Relu }.SelectMany(a => Enumerable.Range(1, 3).Select(s => Run($"{a}-s{s}", activation: a, seed: s)))];
        RunSpec[] shuffled = [.. runs.Reverse().Skip(3).Concat(runs.Reverse().Take(3))];
        int[] a = ShardAssignment.Owners(runs, 4), b = ShardAssignment.Owners(shuffled, 4);
        Assert.Equal(runs.Select((r, i) => (r.Name, a[i])).OrderBy(x => x.Name), shuffled.Select((r, i) => (r.Name, b[i])).OrderBy(x => x.Name));
    }

    [Fact]
    public void Owners_SeedsOfOneConfiguration_StayOnOneShard()
    {
        // Interleaved on purpose: the suite lists seed 1 of every unit, then seed 2, ...
        RunSpec[] runs = [.. Enumerable.Range(1, 4).SelectMany(s => new[] { Activation.Tanh, Activation.Sigmoid, Activation.Relu }.Select(a => Run($"{a}-s{s}", activation: a, seed: s)))];
        int[] owners = ShardAssignment.Owners(runs, 3);
        foreach (var unit in runs.Select((r, i) => (r.Model.Activation, owners[i])).GroupBy(x => x.Activation))
            Assert.Single(unit.Select(x => x.Item2).Distinct());
    }

    [Fact]
    public void Owners_MixedSizes_BalancesEstimatedCostNotCount()
    {
        // 8 runs at H = 64 cost as much as half of one run at H = 256 (cost ∝ H²): 8 + 2·16 = 40 units.
        RunSpec[] runs = [.. Enumerable.Range(0, 8).Select(i => Run($"small{i}", hidden: 64, seed: i)), Run("large0", hidden: 256), Run("large1", hidden: 256, seed: 2)];
        int[] owners = ShardAssignment.Owners(runs, 2);
        double[] cost = [.. Enumerable.Range(0, 2).Select(s => runs.Where((r, i) => owners[i] == s).Sum(r => Math.Pow(r.Model.HiddenSize / 64.0, 2)))];
        Assert.NotEqual(owners[8], owners[9]);
        Assert.Equal([24.0, 16.0], cost); // an equal split by count would give 5 and 35
    }

    [Theory]
    [InlineData("2/3", "", "", 2)]
    [InlineData("auto/3", "1", "", 1)]
    [InlineData("auto/3", "", "2", 2)]
    [InlineData("AUTO/3", "0", "0", 0)]
    public void Parse_IndexGivenOrFromArrayJob_IsThatShard(string text, string kubernetes, string slurm, int index)
    {
        // The array's size is not COUNT: a retried Slurm index (sbatch --array=1) runs in a one-task array.
        var environment = new Dictionary<string, string> { [Shard.KubernetesIndex] = kubernetes, [Shard.SlurmIndex] = slurm, ["SLURM_ARRAY_TASK_COUNT"] = "1" };
        Assert.Equal(new Shard(index, 3), Shard.Parse(text, name => environment.GetValueOrDefault(name)));
    }

    [Fact]
    public void Parse_Empty_IsNoSharding() => Assert.Null(Shard.Parse("", _ => null));
}
