using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace RnnPipeline.Options;

/// <summary>
/// The rules declared on the options classes (DataAnnotations, finite numbers, nested options present), checked recursively through nested
/// options objects. One implementation for every host: the worker prefixes each problem with the run it belongs to,
/// the ML.NET featurizer with the option path of its caller.
/// </summary>
public static class OptionRules
{
    /// <summary>
    /// Every violated rule of <paramref name="options"/> and its nested options, one line each in the form
    /// <c>{prefix}Training.Steps = -1: must be between 0 and 100000000</c> (empty when valid).
    /// </summary>
    public static IReadOnlyList<string> Check(object options, string prefix = "")
    {
        var errors = new List<string>();
        Check(options, prefix, errors);
        return errors;
    }

    private static void Check(object options, string prefix, List<string> errors)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            object? value;
            try { value = property.GetValue(options); }
            catch (TargetInvocationException failure) when (failure.InnerException is NullReferenceException)
            {
                continue;                                          // a computed property over a missing option, reported where it is missing
            }
            string at = prefix + property.Name;
            if (value is double d && !double.IsFinite(d))
            {
                errors.Add($"{at} is {d.ToString(CultureInfo.InvariantCulture)}: give a finite number");
                continue;
            }
            if (value is Enum e && !Enum.IsDefined(e.GetType(), e))
            {
                errors.Add($"{at} = {Format(value)}: use one of {string.Join(", ", Enum.GetNames(e.GetType()))}");
                continue;
            }
            if (value is Array { Rank: 1 } values && property.PropertyType.GetElementType() is { IsEnum: true } element
                && values.Cast<object>().FirstOrDefault(v => !Enum.IsDefined(element, v)) is { } undefined)
            {
                errors.Add($"{at} contains {Format(undefined)}: use only {string.Join(", ", Enum.GetNames(element))}");
                continue;
            }
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>())
                if (!attribute.IsValid(value))
                    errors.Add($"{at} = {Format(value)}: {Rule(attribute)}");
            bool nested = property.PropertyType.Namespace == typeof(RunSpec).Namespace && property.PropertyType.IsClass;
            if (nested && value is null) errors.Add($"{at} = {Format(value)}: is required (leave it out for its defaults)");
            else if (nested) Check(value!, $"{at}.", errors);
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
        FolderNameAttribute => FolderName.Rule,
        _ => attribute.FormatErrorMessage("value"),
    };
}
