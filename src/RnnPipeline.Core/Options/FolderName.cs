using System.Text.RegularExpressions;

namespace RnnPipeline.Options;

/// <summary>
/// The rule for names that become folder names (suite and run names): letters, digits, '.', '_' and '-', matched over
/// the whole string (no trailing newline), neither '.' nor '..' (which would name the folder itself or its parent), and
/// at most <see cref="MaximumLength"/> characters, so every file name derived from it fits a file system's 255 bytes.
/// </summary>
public static partial class FolderName
{
    /// <summary>
    /// Longest name (128 characters; a run's name after its grid adds "-k&lt;lag&gt;" and "-s&lt;seed&gt;"). The longest
    /// file name derived from a run name is a report figure's temporary file,
    /// <c>bracketmatching-episodes-0c-key-gradient-over-training-&lt;name&gt;.png.&lt;pid&gt;.&lt;32 hex&gt;.tmp</c>: 104
    /// characters besides the name (a process id has at most 7 digits on Linux), so 232 in all.
    /// </summary>
    public const int MaximumLength = 128;

    /// <summary>The rule in words, for error messages.</summary>
    public const string Rule = "must use only letters, digits, '.', '_' and '-', must not be '.' or '..', and must be at most 128 characters long (with what a grid adds)";

    /// <summary>Whether <paramref name="name"/> is safe as one folder name.</summary>
    public static bool IsValid(string? name) =>
        name is not null && name.Length <= MaximumLength && name is not "." and not ".." && Allowed().IsMatch(name);

    [GeneratedRegex(@"\A[A-Za-z0-9._-]+\z")]
    private static partial Regex Allowed();
}
