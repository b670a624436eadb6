using OxyPlot;
using RnnPipeline.Reporting.Plots;

namespace RnnPipeline.Reporting;

/// <summary>
/// The plots of one corpus kind's runs: the one list of what the report plots, with file names, questions and plot
/// factories, used for the PNG files under <c>plots/</c> and for the HTML report alike.
/// </summary>
/// <param name="Stability">How far gradient reaches and why (files 1–5): empty without stability diagnostics.</param>
/// <param name="Heatmaps">Gradient flow over training, one per run with stability diagnostics.</param>
/// <param name="BitsPerChar">What the model learned (file 6).</param>
/// <param name="Clipping">Gradient norm and clipping, whether training was stable (file 7).</param>
/// <param name="ProbeAccuracy">Accuracy versus dependency lag (file 8), or null without probe runs.</param>
/// <param name="ProbeOverTraining">Accuracy per lag over training (files 9), one per unit probed more than once.</param>
/// <param name="Learning">The one-lag experiment's figures (files 0), or null for other runs.</param>
public sealed record CorpusFigures(IReadOnlyList<ReportFigure> Stability, IReadOnlyList<ReportFigure> Heatmaps, ReportFigure BitsPerChar,
    ReportFigure Clipping, ReportFigure? ProbeAccuracy, IReadOnlyList<ReportFigure> ProbeOverTraining, LearningFigures? Learning)
{
    /// <summary>Every figure, in the order of its file number (heatmaps last).</summary>
    public IEnumerable<ReportFigure> All =>
        [.. Learning?.All ?? [], .. Stability, BitsPerChar, Clipping, .. new[] { ProbeAccuracy }.OfType<ReportFigure>(), .. ProbeOverTraining, .. Heatmaps];

    /// <summary>The figures of each corpus kind among <paramref name="runs"/>; <paramref name="probes"/> are their probe findings.</summary>
    public static IReadOnlyDictionary<string, CorpusFigures> PerCorpus(IReadOnlyList<ReportRun> runs, IReadOnlyDictionary<string, ProbeFindings> probes) =>
        runs.GroupBy(r => r.Experiment).ToDictionary(g => g.Key, g => Of(g.ToArray(), probes.GetValueOrDefault(g.Key)));

    /// <summary>The figures of <paramref name="runs"/>, all of one corpus kind, with their <paramref name="probe"/> findings if any.</summary>
    public static CorpusFigures Of(IReadOnlyList<ReportRun> runs, ProbeFindings? probe)
    {
        string prefix = runs[0].Experiment;
        var records = runs.Select(r => r.Run).ToArray();
        // runs with stability diagnostics; one-lag episode runs show theirs in the Learning figures instead of one line per run
        var analysed = runs.Where(r => r.Run.Stability.Count > 0 && !r.Spec.Corpus.Episodes).ToArray();
        var analysedRecords = analysed.Select(r => r.Run).ToArray();
        ReportFigure Figure(string name, string? question, PlotModel model) => new($"{prefix}-{name}", question, model);

        ReportFigure[] stability = analysed.Length == 0 ? [] :
        [
            Figure("1-gradient-vs-lag", "How far back does gradient reach?", StabilityPlots.GradientVersusLag(analysedRecords, analysed[0].Spec.Diagnostics.HorizonEpsilon)),
            Figure("2-product-vs-bound", "Is the per-step norm the whole story?", StabilityPlots.ProductVersusBound(analysedRecords)),
            Figure("3-jacobian-norms", "Why: the per-step Jacobians", StabilityPlots.JacobianNorms(analysedRecords)),
            Figure("4-saturation", "Why: saturated and dead units", StabilityPlots.SaturationAndDeadUnits(analysedRecords)),
            Figure("5-lyapunov", "How did stability evolve while training?", TrainingPlots.LyapunovOverTraining(analysedRecords)),
        ];
        var heatmaps = analysed.Select(r => new ReportFigure($"heatmap-{r.Name}", null, StabilityPlots.GradientHeatmap(r.Run))).ToArray();
        double threshold = probe?.Options.SolvedThreshold ?? 0;
        (string Unit, ReportFigure Figure)[] overTraining = probe is null ? [] : [.. probe.Units
            .Select((unit, i) => (unit.Name, Model: ProbePlots.AccuracyOverTraining(unit, i, threshold)))
            .Where(u => u.Model is not null).Select(u => (u.Name, Figure($"9-probe-over-training-{u.Name}", null, u.Model!)))];
        return new CorpusFigures(stability, heatmaps,
            Figure("6-bits-per-char", "What did the model learn?", TrainingPlots.BitsPerChar(records)),
            Figure("7-gradient-norm-clipping", "Was training stable?", TrainingPlots.GradientNormAndClipping(records)),
            probe is null ? null : Figure("8-probe-accuracy", "Which dependency lags were learned?", ProbePlots.AccuracyVersusLag(records, threshold)),
            [.. overTraining.Select(u => u.Figure)],
            probe?.Learning is { } learning ? LearningFigures(learning, overTraining.ToDictionary(u => u.Unit, u => u.Figure), Figure) : null);
    }

    private static LearningFigures LearningFigures(LagFindings learning, IReadOnlyDictionary<string, ReportFigure> accuracyOverTraining,
        Func<string, string?, PlotModel, ReportFigure> figure)
    {
        var units = learning.Units;
        int bin = Math.Max(1, learning.Steps / 40);
        return new LearningFigures(
            figure("0a-share-learned", "Which lag can each unit learn, trained on it alone?", LagLearningPlots.ShareLearned(units, learning.Threshold)),
            figure("0b-key-gradient", "Why: how much gradient reaches the key?", LagLearningPlots.KeyGradientVersusLag(units)),
            [.. units.Select((u, i) => (figure($"0c-key-gradient-over-training-{u.Name}", null, LagLearningPlots.KeyGradientOverTraining(u.Name, u.Lags, i, bin)),
                accuracyOverTraining.GetValueOrDefault(u.Name)))],
            figure("0d-gradient-vs-learning", "Does more gradient at the key mean learning sooner?", LagLearningPlots.GradientVersusLearning(units, learning.Steps, learning.Rho)),
            LagLearningPlots.GammaWhhOverTraining(units) is { } gamma ? figure("0e-gamma-whh", "Does the lecture's condition for vanishing hold while training?", gamma) : null);
    }
}

/// <summary>The one-lag experiment's figures (<see cref="LagFindings"/>), files 0a–0e.</summary>
/// <param name="Share">The share of seeds that learned each lag (0a).</param>
/// <param name="KeyGradient">The early gradient at the key per lag (0b).</param>
/// <param name="PerUnit">Per unit, the gradient at the key over training (0c) and its accuracy over training (the
/// corpus's file 9, not a file of its own here; null when the unit was scored once).</param>
/// <param name="GradientVersusLearning">Every run's early gradient against the step it learned (0d).</param>
/// <param name="GammaWhh">γ·‖W_hh‖₂ over training (0e), or null without stability records.</param>
public sealed record LearningFigures(ReportFigure Share, ReportFigure KeyGradient, IReadOnlyList<(ReportFigure Gradient, ReportFigure? Accuracy)> PerUnit,
    ReportFigure GradientVersusLearning, ReportFigure? GammaWhh)
{
    /// <summary>The files of its own, in file order.</summary>
    public IEnumerable<ReportFigure> All => [Share, KeyGradient, .. PerUnit.Select(p => p.Gradient), GradientVersusLearning, .. new[] { GammaWhh }.OfType<ReportFigure>()];
}
