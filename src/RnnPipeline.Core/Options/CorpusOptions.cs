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

    /// <summary>
    /// Train on episodes of one lag instead of one stream of mixed lags: every training sequence is one episode (key,
    /// filler, dependent) of the single lag in <see cref="Lags"/>, read from h = 0 with nothing carried between
    /// episodes, so the dependency must be learned across exactly that lag — the fixed-length-sequence setting of
    /// Bengio, Simard &amp; Frasconi 1994, Hochreiter &amp; Schmidhuber 1997 and Le, Jaitly &amp; Hinton 2015. The training
    /// window is the episode (<see cref="TrainingOptions.WindowLength"/> is not used), the probe scores fresh episodes,
    /// also from h = 0. Needs a generated probe kind, exactly one lag and <see cref="Loss"/> = Dependents.
    /// </summary>
    public bool Episodes { get; set; }

    /// <summary>
    /// Which characters of generated probe text the training loss counts; validation counts the same characters.
    /// </summary>
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
