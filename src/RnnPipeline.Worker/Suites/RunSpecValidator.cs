using System.Globalization;
using RnnPipeline.Options;
using RnnPipeline.Probes;
using RnnPipeline.Text;

namespace RnnPipeline.Worker.Suites;

/// <summary>
/// Checks every run of a suite before anything is written: the rules declared on the options classes
/// (<see cref="OptionRules"/>), unique names, probe lags, no activation for a gated cell, and that each text file exists,
/// is UTF-8 and is long enough.
/// </summary>
public static class RunSpecValidator
{
    /// <summary>
    /// All problems of <paramref name="suite"/>, one line each (empty when valid). With <paramref name="memory"/>, also
    /// every run whose estimated memory (<see cref="MemoryEstimate"/>) exceeds it.
    /// </summary>
    public static IReadOnlyList<string> Validate(Suite suite, AvailableMemory? memory = null)
    {
        var errors = new List<string>();
        foreach (var group in suite.Runs.GroupBy(r => r.Name).Where(g => g.Count() > 1))
            errors.Add($"suite '{suite.Name}': run name '{group.Key}' is used {group.Count()} times: give each run a unique Name");
        errors.AddRange(ReportSettingConflicts(suite));
        foreach (var run in suite.Runs)
        {
            string where = $"run '{run.Name}'";
            int before = errors.Count;
            errors.AddRange(OptionRules.Check(run, $"{where}: "));
            if (run.Model.Cell != RecurrentCell.Rnn && run.Model.Activation != Activation.Tanh)
                errors.Add($"{where}: Model.Activation {run.Model.Activation} applies only to the vanilla cell, not to Model.Cell {run.Model.Cell} (its gates use σ and tanh): remove Model.Activation or set Model.Cell Rnn");
            if (run.Corpus.Kind == CorpusKind.TextFile)
            {
                const string fix = "needs a generated probe (Corpus.Kind DelayedRecall or BracketMatching): remove it for a text file";
                if (run.Corpus.Loss != ProbeLoss.AllCharacters) errors.Add($"{where}: Corpus.Loss {run.Corpus.Loss} {fix}");
                if (run.Corpus.Filler != ProbeFiller.Random) errors.Add($"{where}: Corpus.Filler {run.Corpus.Filler} {fix}");
            }
            try
            {
                var estimate = CheckCorpus(suite, run);
                if (memory is not null && errors.Count == before && estimate.Refusal(memory.Bytes, memory.Source) is { } refusal)
                    errors.Add($"{where}: {refusal}");
            }
            catch (InputException e)
            {
                errors.Add($"{where}: {e.Message}");
            }
        }
        return errors;
    }

    /// <summary>
    /// One line per report setting (<see cref="ProbeOptions.ReportSettings"/>) on which two runs disagree: the report
    /// reads the whole suite by one value of each, so a value is set once, in Defaults.
    /// </summary>
    private static IEnumerable<string> ReportSettingConflicts(Suite suite)
    {
        var settings = suite.Runs.Select(r => (r.Name, Settings: r.Probe.ReportSettings())).ToArray();
        if (settings.Length == 0) yield break;
        foreach (string name in settings[0].Settings.Keys)
        {
            var (first, value) = (settings[0].Name, settings[0].Settings[name]);
            if (settings.FirstOrDefault(s => s.Settings[name] != value) is { Name: not null } other)
                yield return $"suite '{suite.Name}': {name} is {value} in run '{first}' but {other.Settings[name]} in run '{other.Name}': "
                    + $"it is a setting of the suite's report, read once for all runs; set it in Defaults (or --Suite:Defaults:{name.Replace('.', ':')}=…), not per run or grid";
        }
    }

    private static MemoryEstimate CheckCorpus(Suite suite, RunSpec run)
    {
        var corpus = run.Corpus;
        if (ProbeTextGenerator.EpisodeProblem(corpus) is { } episodes) throw new InputException(episodes);
        int needed = 2 * (run.Training.WindowLength + 1);
        if (corpus.Kind == CorpusKind.TextFile)
        {
            if (string.IsNullOrWhiteSpace(corpus.Path))
                throw new InputException("Corpus.Path is missing: name a UTF-8 text file (relative to the suite file), or use a generated Corpus.Kind");
            if (corpus.Path.Contains('\0'))
                throw new InputException("Corpus.Path contains a NUL character: name a UTF-8 text file (relative to the suite file)");
            string path = suite.ResolveCorpusPath(run);
            string text = TextSource.LoadUtf8(path);
            int validation = (int)(text.Length * corpus.ValidationFraction);
            if (validation < run.Training.WindowLength + 1 || text.Length - validation < run.Training.WindowLength + 1)
                throw new InputException(
                    $"text file '{path}' has {text.Length} characters, too short for Training.WindowLength {run.Training.WindowLength} " +
                    $"with Corpus.ValidationFraction {corpus.ValidationFraction.ToString(CultureInfo.InvariantCulture)}: use a longer text (≥ {needed / corpus.ValidationFraction:F0} characters) or a shorter window");
            return new MemoryEstimate(run, text.Distinct().Count(), text.Length, validation, 0);
        }
        else
        {
            var probe = ProbeTextGenerator.Generate(corpus, run.Training.Seed);
            long evaluation = ProbeTextGenerator.EvaluationLength(corpus, run.Probe.SamplesPerLag);
            if (evaluation > ProbeTextGenerator.MaximumEvaluationLength)
                throw new InputException(
                    $"Probe.SamplesPerLag {run.Probe.SamplesPerLag} with Corpus.Lags {string.Join(",", corpus.Lags)} needs a {evaluation}-character evaluation text: " +
                    $"keep SamplesPerLag × Σ(lag + 2) ≤ {ProbeTextGenerator.MaximumEvaluationLength} (fewer samples or shorter lags)");
            int sequence = corpus.Episodes ? ProbeTextGenerator.EpisodeLength(run.SequenceLength) : run.Training.WindowLength + 1;
            if (corpus.GeneratedLength * corpus.ValidationFraction < sequence)
                throw new InputException($"Corpus.GeneratedLength {corpus.GeneratedLength} leaves a validation split shorter than {(corpus.Episodes ? "one episode" : "Training.WindowLength")}: raise GeneratedLength or ValidationFraction");
            return new MemoryEstimate(run, probe.Text.Distinct().Count(), probe.Text.Length, (long)(probe.Text.Length * corpus.ValidationFraction), evaluation);
        }
    }
}
