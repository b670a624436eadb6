using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Reporting;

namespace RnnPipeline.Tests.Reporting;

/// <summary>The one-lag experiment's sentences come from the numbers: reach, still rising, and where vanishing explains a failure.</summary>
public sealed class LagFindingsTests
{
    private static ReportRun Run(Activation activation, int lag, int seed, double keyLog10, double gammaWhhEnd, params double[] accuracies) =>
        Run(RecurrentCell.Rnn, activation, lag, seed, keyLog10, gammaWhhEnd, accuracies);

    private static ReportRun Run(RecurrentCell cell, Activation activation, int lag, int seed, double keyLog10, double gammaWhhEnd, double[] accuracies)
    {
        var spec = new RunSpec
        {
            Name = $"{(cell == RecurrentCell.Rnn ? activation.ToString() : cell.ToString()).ToLowerInvariant()}-k{lag}-s{seed}",
            Model = { Activation = activation, Cell = cell },
            Training = { Seed = seed, Steps = 100 * accuracies.Length },
            Probe = { Every = 100 },
            Corpus = { Kind = CorpusKind.DelayedRecall, Episodes = true, Lags = [lag], Loss = ProbeLoss.Dependents },
        };
        var run = new RunRecording(RunInfo.For("s", spec));
        for (int i = 0; i < accuracies.Length; i++)
            run.Record(new ProbeAccuracy(lag, seed, (int)Math.Round(accuracies[i] * 100), 100, 1.0 / 16, 100 * (i + 1)));
        for (int step = 0; step < 50; step++)
            run.Record(new GradientFlowRecord(step, [(float)Math.Pow(10, keyLog10), .. new float[lag - 2], 1f]));
        double gamma = cell != RecurrentCell.Rnn ? double.NaN : activation == Activation.Sigmoid ? 0.25 : 1;   // γ is undefined for a gated cell
        run.Record(new StabilitySnapshot(new StabilitySummary(0, 1, 1, gamma, 0.5, [], 0, 0), [], []));
        run.Record(new StabilitySnapshot(new StabilitySummary(99, gammaWhhEnd / gamma, 1, gamma, 1, [], 0, 0), [], []));
        return new ReportRun(run, spec, "");
    }

    [Fact]
    public void Narrative_StatesReach_StillRising_TheConditionOverTraining_AndFailuresVanishingDoesNotExplain()
    {
        var runs = new List<ReportRun>();
        foreach (int seed in new[] { 1, 2, 3, 4 })
        {
            runs.Add(Run(Activation.Sigmoid, 2, seed, -1, 5, 0.5, 0.95));         // learned
            runs.Add(Run(Activation.Sigmoid, 8, seed, -9, 5, 0.06, 0.07));        // vanished, not learned
            runs.Add(Run(Activation.Tanh, 2, seed, 0, 2, 0.95, 0.99));
            runs.Add(Run(Activation.Tanh, 8, seed, -1, 2, 0.2, 0.5));            // not vanished, still rising
        }
        var probe = ProbeFindings.Of(runs)!;
        var lines = Assert.IsType<LagFindings>(probe.Learning).Narrative;
        Assert.StartsWith("What this measures: each run trains one lag k alone", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("sigmoid learns every lag up to 2 by a majority of its seeds", StringComparison.Ordinal)
                                    && l.Contains("Every lag had reached its plateau", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("tanh learns every lag up to 2", StringComparison.Ordinal)
                                    && l.Contains("Still rising at the end (median gain ≥ 0.05 over the last 100 steps) at lag 8", StringComparison.Ordinal));
        string sigmoid = Assert.Single(lines, l => l.StartsWith("sigmoid: γ·‖W_hh‖₂ starts at 0.25, below 1", StringComparison.Ordinal));
        Assert.Contains("but training grew it to 5.00", sigmoid);
        Assert.DoesNotContain("does not explain", sigmoid);                          // 10^-9 reached the key: vanishing does explain it
        string tanh = Assert.Single(lines, l => l.StartsWith("tanh: γ·‖W_hh‖₂ starts at 1.00", StringComparison.Ordinal));
        Assert.Contains("It does not learn lag 8 although 10^-1.0 of the gradient reaches the key there", tanh);
        Assert.Contains("still rising at the end, so a longer budget may learn it", tanh);
        // More gradient at the key, learned sooner: ρ over the 16 runs is negative.
        Assert.True(probe.Learning!.Rho < 0, $"ρ = {probe.Learning.Rho}");
    }

    [Fact]
    public void Narrative_GatedUnit_HasNoGammaBound_YetNamesTheFailureVanishingDoesNotExplain()
    {
        var runs = new List<ReportRun>();
        foreach (int seed in new[] { 1, 2, 3, 4 })
        {
            runs.Add(Run(RecurrentCell.Lstm, Activation.Tanh, 2, seed, 0, double.NaN, [0.95, 0.99]));
            runs.Add(Run(RecurrentCell.Lstm, Activation.Tanh, 8, seed, -1, double.NaN, [0.2, 0.5]));     // not vanished, still rising
            runs.Add(Run(Activation.Tanh, 2, seed, 0, 2, 0.95, 0.99));
        }
        var lines = Assert.IsType<LagFindings>(ProbeFindings.Of(runs)!.Learning).Narrative;
        string lstm = Assert.Single(lines, l => l.StartsWith("lstm (a gated cell: no γ·‖W_hh‖₂ bound):", StringComparison.Ordinal));
        Assert.Contains("It does not learn lag 8 although 10^-1.0 of the gradient reaches the key there", lstm);
        Assert.DoesNotContain(lines, l => l.StartsWith("lstm: γ·‖W_hh‖₂", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains(": γ·‖W_hh‖₂ starts at 1.00", StringComparison.Ordinal));   // the plain unit keeps its bound
    }
}
