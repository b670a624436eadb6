using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Worker.Jobs;

namespace RnnPipeline.Tests.Worker;

public sealed class SummaryTableTests
{
    private static RunOutcome Outcome(string name, RunStatus state)
    {
        var spec = new RunSpec { Name = name };
        return new RunOutcome(spec, new RunRecording(RunInfo.For("s", spec)), state, 0, name);
    }

    [Fact]
    public void Format_SmallSuite_OneRowPerRun()
    {
        var lines = SummaryTable.Format([Outcome("a", RunStatus.Completed), Outcome("b", RunStatus.Halted)]).ToArray();
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("a ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Format_LargeSuite_CountsByState_AndRowsOfTheRunsThatDidNotComplete()
    {
        var outcomes = Enumerable.Range(0, SummaryTable.MaxRows + 6).Select(i => Outcome($"r{i}", i == 3 ? RunStatus.Failed : RunStatus.Completed)).ToArray();
        var lines = SummaryTable.Format(outcomes).ToArray();
        Assert.Equal($"{outcomes.Length} runs: {outcomes.Length - 1} completed, 1 failed; every run's row is in the report (section Runs); not completed:", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("r3 ", lines[2], StringComparison.Ordinal);
        Assert.Single(SummaryTable.Format(outcomes.Where(o => o.State == RunStatus.Completed).ToArray()));
    }
}
