using System.Text.RegularExpressions;

namespace RnnPipeline.Options;

/// <summary>
/// The rule for names that become folder names (suite and run names): letters, digits, '.', '_' and '-', matched over
/// the whole string (no trailing newline), and neither '.' nor '..' (which would name the folder itself or its parent).
/// </summary>
public static partial class FolderName
{
    /// <summary>The rule in words, for error messages.</summary>
    public const string Rule = "must use only letters, digits, '.', '_' and '-', and must not be '.' or '..'";

    /// <summary>Whether <paramref name="name"/> is safe as one folder name.</summary>
    public static bool IsValid(string? name) => name is not null && name is not "." and not ".." && Allowed().IsMatch(name);

    [GeneratedRegex(@"\A[A-Za-z0-9._-]+\z")]
    private static partial Regex Allowed();
}
