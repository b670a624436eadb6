using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using RnnPipeline.Options;
using RnnPipeline.Probes;
using RnnPipeline.Text;

namespace RnnPipeline.Worker.Suites;

/// <summary>
/// Checks every run of a suite before anything is written: the DataAnnotations declared on the options classes,
/// finite numbers, unique names, probe lags, and that each text file exists, is UTF-8 and is long enough.
/// </summary>
public static class RunSpecValidator
{
    /// <summary>All problems of <paramref name="suite"/>, one line each (empty when valid).</summary>
    public static IReadOnlyList<string> Validate(Suite suite)
    {
        var errors = new List<string>();
        foreach (var group in suite.Runs.GroupBy(r => r.Name).Where(g => g.Count() > 1))
            errors.Add($"suite '{suite.Name}': run name '{group.Key}' is used {group.Count()} times: give each run a unique Name");
        foreach (var run in suite.Runs)
        {
            string where = $"run '{run.Name}'";
            CheckObject(run, where, "", errors);
            try
            {
                CheckCorpus(suite, run);
            }
            catch (InputException e)
            {
                errors.Add($"{where}: {e.Message}");
            }
        }
        return errors;
    }

    private static void CheckObject(object options, string where, string prefix, List<string> errors)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            object? value = property.GetValue(options);
            string at = $"{where}: {prefix}{property.Name}";
            if (value is double d && !double.IsFinite(d))
            {
                errors.Add($"{at} is {d.ToString(CultureInfo.InvariantCulture)}: give a finite number");
                continue;
            }
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>())
                if (!attribute.IsValid(value))
                    errors.Add($"{at} = {Format(value)}: {Rule(attribute)}");
            if (value is not null && property.PropertyType.Namespace == typeof(RunSpec).Namespace && property.PropertyType.IsClass)
                CheckObject(value, where, $"{prefix}{property.Name}.", errors);
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "(missing)",
        string s => $"'{s}'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Rule(ValidationAttribute attribute) => attribute switch
    {
        RangeAttribute r => $"must be between {Format(r.Minimum)} and {Format(r.Maximum)}",
        RequiredAttribute => "is required",
        RegularExpressionAttribute => "may contain only letters, digits, '.', '_' and '-'",
        _ => attribute.FormatErrorMessage("value"),
    };

    private static void CheckCorpus(Suite suite, RunSpec run)
    {
        var corpus = run.Corpus;
        int needed = 2 * (run.Training.WindowLength + 1);
        if (corpus.Kind == CorpusKind.TextFile)
        {
            if (string.IsNullOrWhiteSpace(corpus.Path))
                throw new InputException("Corpus.Path is missing: name a UTF-8 text file (relative to the suite file), or use a generated Corpus.Kind");
            string path = suite.ResolveCorpusPath(run);
            string text = TextSource.LoadUtf8(path);
            int validation = (int)(text.Length * corpus.ValidationFraction);
            if (validation < run.Training.WindowLength + 1 || text.Length - validation < run.Training.WindowLength + 1)
                throw new InputException(
                    $"text file '{path}' has {text.Length} characters, too short for Training.WindowLength {run.Training.WindowLength} " +
                    $"with Corpus.ValidationFraction {corpus.ValidationFraction.ToString(CultureInfo.InvariantCulture)}: use a longer text (≥ {needed / corpus.ValidationFraction:F0} characters) or a shorter window");
        }
        else
        {
            ProbeTextGenerator.Generate(corpus, run.Training.Seed);
            if (corpus.GeneratedLength * corpus.ValidationFraction < run.Training.WindowLength + 1)
                throw new InputException($"Corpus.GeneratedLength {corpus.GeneratedLength} leaves a validation split shorter than Training.WindowLength: raise GeneratedLength or ValidationFraction");
        }
    }
}
