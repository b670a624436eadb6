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
    /// every run whose estimated peak (<see cref="MemoryEstimate"/>, with <paramref name="parallel"/> units training at
    /// once and, with <paramref name="stacks"/>, runs of one shape stacked, in a process that trains
    /// <paramref name="runsInProcess"/> of the suite's runs, or all) exceeds it.
    /// </summary>
    public static IReadOnlyList<string> Validate(Suite suite, AvailableMemory? memory = null, int parallel = 1, bool stacks = true, int? runsInProcess = null)
    {
        var (errors, runs) = Check(suite);
        if (memory is not null)
            foreach (var (where, estimate) in Estimates(runs, parallel, stacks, runsInProcess ?? suite.Runs.Count))
                if (estimate.Refusal(memory.Bytes, memory.Source) is { } refusal) errors.Add($"{where}: {refusal}");
        return errors;
    }

    /// <summary>
    /// The peak estimate (<see cref="MemoryEstimate"/>) of each run of a valid <paramref name="suite"/>, with
    /// <paramref name="parallel"/> units training at once and, with <paramref name="stacks"/>, runs of one shape stacked.
    /// </summary>
    /// <exception cref="InputException">The suite is not valid (the first problem).</exception>
    public static IReadOnlyList<MemoryEstimate> Estimates(Suite suite, int parallel = 1, bool stacks = true)
    {
        var (errors, runs) = Check(suite);
        if (errors.Count > 0) throw new InputException(errors[0]);
        return [.. Estimates(runs, parallel, stacks, suite.Runs.Count).Select(x => x.Estimate)];
    }

    /// <summary>Every problem of the suite, and the text shapes of the runs without one.</summary>
    private static (List<string> Errors, List<(RunSpec Run, string Where, TextShape Text)> Runs) Check(Suite suite)
    {
        var errors = new List<string>();
        var texts = new Dictionary<string, (int Length, int Vocabulary)>();            // each file read once, however many runs use it
        var shapes = new List<(RunSpec Run, string Where, TextShape Text)>();
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
                var text = CheckCorpus(suite, run, texts);
                if (errors.Count == before) shapes.Add((run, where, text));
            }
            catch (InputException e)
            {
                errors.Add($"{where}: {e.Message}");
            }
        }
        return (errors, shapes);
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

    /// <summary>Each run's estimate, with the count of runs of its shape in the suite (the runs one stack may take).</summary>
    private static IEnumerable<(string Where, MemoryEstimate Estimate)> Estimates(List<(RunSpec Run, string Where, TextShape Text)> runs, int parallel, bool stacks, int runsInProcess)
    {
        var runsOfShape = runs.CountBy(x => ShapeOf(x.Run, x.Text)).ToDictionary();
        return runs.Select(x => (x.Where, Estimate(x.Run, x.Text, runsOfShape[ShapeOf(x.Run, x.Text)], parallel, stacks, runsInProcess)));
    }

    /// <summary>The peak estimate of <paramref name="run"/> on <paramref name="text"/> with <paramref name="runsOfShape"/> runs of its shape in the suite.</summary>
    private static MemoryEstimate Estimate(RunSpec run, TextShape text, int runsOfShape, int parallel, bool stacks, int runsInProcess) =>
        new(run, text.Vocabulary, text.Length, text.ProbeEvaluationLength, parallel,
            stacks ? MemoryEstimate.RunsPerUnit(run, text.Vocabulary, text.TrainLength, runsOfShape, parallel) : 1, runsInProcess);

    /// <summary>
    /// What the runs of one stack share (TrainingSession.ShapeKey) but the batch fitted to the text: counting runs of
    /// every batch can only overcount a stack, which the stack's own size bounds again.
    /// </summary>
    private static (string Unit, int Hidden, int Embedding, int Vocabulary, int Window) ShapeOf(RunSpec run, TextShape text) =>
        (run.Model.Unit, run.Model.HiddenSize, run.Model.EmbeddingSize, text.Vocabulary, run.SequenceLength);

    /// <summary>The sizes of a run's text the estimate needs: characters, distinct characters, training split and probe evaluation text.</summary>
    private sealed record TextShape(long Length, int Vocabulary, long TrainLength, long ProbeEvaluationLength);

    private static TextShape CheckCorpus(Suite suite, RunSpec run, Dictionary<string, (int Length, int Vocabulary)> texts)
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
            if (!texts.TryGetValue(path, out var text))
            {
                string loaded = TextSource.LoadUtf8(path);
                texts[path] = text = (loaded.Length, loaded.Distinct().Count());
            }
            int validation = (int)(text.Length * corpus.ValidationFraction);
            if (validation < run.Training.WindowLength + 1 || text.Length - validation < run.Training.WindowLength + 1)
                throw new InputException(
                    $"text file '{path}' has {text.Length} characters, too short for Training.WindowLength {run.Training.WindowLength} " +
                    $"with Corpus.ValidationFraction {corpus.ValidationFraction.ToString(CultureInfo.InvariantCulture)}: use a longer text (≥ {needed / corpus.ValidationFraction:F0} characters) or a shorter window");
            return new TextShape(text.Length, text.Vocabulary, text.Length - validation, 0);
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
            return new TextShape(probe.Text.Length, probe.Text.Distinct().Count(), probe.Text.Length - (long)(probe.Text.Length * corpus.ValidationFraction), evaluation);
        }
    }
}
