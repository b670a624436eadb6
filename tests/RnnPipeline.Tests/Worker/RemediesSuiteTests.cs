using RnnPipeline.Options;
using RnnPipeline.Worker.Suites;

namespace RnnPipeline.Tests.Worker;

public sealed class RemediesSuiteTests
{
    private static string Suite([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "configs", "remedies.json"));

    [Fact]
    public void Load_Remedies_GatedUnitsBesideThePlainOnes_AtEqualHiddenSizeOnTheSameLagsAndSeeds()
    {
        var suite = SuiteLoader.Load(Suite());
        var episodes = suite.Runs.Where(r => r.Corpus.Episodes).ToArray();
        string[] units = ["tanh", "sigmoid", "relu", "irnn", "lstm", "gru"];
        Assert.Equal(units.Length * 7 * 12, episodes.Length);
        Assert.Equal(units.Length, episodes.Select(r => r.UnitHash()).Distinct().Count());
        Assert.All(suite.Runs, r => Assert.Equal(64, r.Model.HiddenSize));
        foreach (var (prefix, cell) in new[] { ("lstm-", RecurrentCell.Lstm), ("gru-", RecurrentCell.Gru), ("text-lstm", RecurrentCell.Lstm), ("text-gru", RecurrentCell.Gru) })
            Assert.All(suite.Runs.Where(r => r.Name.StartsWith(prefix, StringComparison.Ordinal)), r => Assert.Equal(cell, r.Model.Cell));
        // Each gated unit trains the plain units' lags and seeds.
        var plain = episodes.Where(r => r.Name.StartsWith("tanh-", StringComparison.Ordinal)).Select(r => (r.Corpus.Lags[0], r.Training.Seed));
        Assert.Equal(plain, episodes.Where(r => r.Model.Cell == RecurrentCell.Gru).Select(r => (r.Corpus.Lags[0], r.Training.Seed)));
        Assert.Equal(6, suite.Runs.Count(r => !r.Corpus.Episodes));
    }
}
