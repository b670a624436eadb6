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
/// <param name="Learning">One-lag episode runs (files 0): the share of seeds that learned each lag and the gradient at the
/// key (0a, 0b), the gradient at the key over training per unit (0c, beside files 9), every run's early gradient against
/// when it learned (0d) and γ·‖W_hh‖₂ over training (0e); empty for other runs.</param>
public sealed record CorpusFigures(IReadOnlyList<ReportFigure> Stability, IReadOnlyList<ReportFigure> Heatmaps, ReportFigure BitsPerChar,
    ReportFigure Clipping, ReportFigure? ProbeAccuracy, IReadOnlyList<ReportFigure> ProbeOverTraining, IReadOnlyList<ReportFigure> Learning)
{
    /// <summary>Every figure, in the order of its file number (heatmaps last).</summary>
    public IEnumerable<ReportFigure> All =>
        [.. Learning, .. Stability, BitsPerChar, Clipping, .. new[] { ProbeAccuracy }.OfType<ReportFigure>(), .. ProbeOverTraining, .. Heatmaps];

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
        return new CorpusFigures(stability, heatmaps,
            Figure("6-bits-per-char", "What did the model learn?", TrainingPlots.BitsPerChar(records)),
            Figure("7-gradient-norm-clipping", "Was training stable?", TrainingPlots.GradientNormAndClipping(records)),
            probe is null ? null : Figure("8-probe-accuracy", "Which dependency lags were learned?", ProbePlots.AccuracyVersusLag(records, threshold)),
            probe is null ? [] : probe.Units
                .Select((unit, i) => ProbePlots.AccuracyOverTraining(unit, i, threshold) is { } model ? Figure($"9-probe-over-training-{unit.Name}", null, model) : null)
                .OfType<ReportFigure>().ToArray(),
            probe?.Learning is { } learning ? LearningFigures(learning, Figure) : []);
    }

    private static ReportFigure[] LearningFigures(LagFindings learning, Func<string, string?, PlotModel, ReportFigure> figure)
    {
        var units = learning.Units;
        int bin = Math.Max(1, learning.Steps / 40);
        return
        [
            figure("0a-share-learned", "Which lag can each unit learn, trained on it alone?", LagLearningPlots.ShareLearned(units, learning.Threshold)),
            figure("0b-key-gradient", "Why: how much gradient reaches the key?", LagLearningPlots.KeyGradientVersusLag(units)),
            .. units.Select((u, i) => figure($"0c-key-gradient-over-training-{u.Name}", null, LagLearningPlots.KeyGradientOverTraining(u.Name, u.Lags, i, bin))),
            figure("0d-gradient-vs-learning", "Does more gradient at the key mean learning sooner?", LagLearningPlots.GradientVersusLearning(units, learning.Steps, learning.Rho)),
            .. new[] { LagLearningPlots.GammaWhhOverTraining(units) }.OfType<PlotModel>()
                .Select(m => figure("0e-gamma-whh", "Does the lecture's condition for vanishing hold while training?", m)),
        ];
    }
}
