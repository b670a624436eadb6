using System.ComponentModel.DataAnnotations;

namespace RnnPipeline.Options;

/// <summary>The text a run trains on.</summary>
public sealed class CorpusOptions
{
    /// <summary>Source of the text.</summary>
    public CorpusKind Kind { get; set; } = CorpusKind.TextFile;

    /// <summary>UTF-8 text file (relative paths resolve against the suite file's folder); used when Kind is TextFile.</summary>
    public string? Path { get; set; }

    /// <summary>Dependency lags k of generated probe text (characters between the key and the dependent character).</summary>
    public int[] Lags { get; set; } = [2, 4, 8, 16, 32];

    /// <summary>Which characters of generated probe text the training loss counts (validation bits/char always counts every character).</summary>
    public ProbeLoss Loss { get; set; } = ProbeLoss.AllCharacters;

    /// <summary>What fills the gap between key and dependent character in generated probe text.</summary>
    public ProbeFiller Filler { get; set; } = ProbeFiller.Random;

    /// <summary>Number of distinct key characters in generated probe text (chance level = 1/KeyCount; up to 26 for DelayedRecall, 8 for BracketMatching).</summary>
    [Range(2, 26)]
    public int KeyCount { get; set; } = 4;

    /// <summary>Length in characters of generated probe text.</summary>
    [Range(1_000, 10_000_000)]
    public int GeneratedLength { get; set; } = 60_000;

    /// <summary>Fraction of the text held out for validation (taken from the end).</summary>
    [Range(0.01, 0.5)]
    public double ValidationFraction { get; set; } = 0.1;
}
