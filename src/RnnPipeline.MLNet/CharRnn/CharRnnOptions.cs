using System.ComponentModel.DataAnnotations;
using RnnPipeline.Options;

namespace RnnPipeline.MLNet.CharRnn;

/// <summary>
/// Training and featurizing settings of <see cref="CharRnnEstimator"/> (the columns are arguments of
/// <see cref="CharRnnCatalog.FeaturizeCharRnn"/>). The estimator copies and validates them when it is created: later
/// changes to this object affect neither the estimator nor a fitted model.
/// </summary>
public sealed class CharRnnOptions
{
    /// <summary>How the hidden states of a row become its feature vector (default: all three poolings concatenated).</summary>
    public CharRnnPooling Pooling { get; set; } = CharRnnPooling.Concatenated;

    /// <summary>
    /// Characters that occur fewer times than this in the training text are trained as the unknown symbol, which then
    /// stands for every character the model has not seen (1: none; the unknown symbol stays untrained).
    /// </summary>
    [Range(1, 1_000_000)]
    public int MinCharacterCount { get; set; } = 3;

    /// <summary>
    /// Model, training, clipping, non-finite and diagnostics settings, with the same rules as the worker's runs
    /// (Corpus.ValidationFraction applies to the joined text; the other Corpus and Probe settings are not used).
    /// Defaults: a small, quick model.
    /// </summary>
    public RunSpec Run { get; set; } = new()
    {
        Name = "charrnn",
        Model = { HiddenSize = 64 },
        Training = { Steps = 300, BatchSize = 16, WindowLength = 32, EvalEvery = 100 },
        Diagnostics = { Every = 50 },
    };

    /// <summary>A deep copy.</summary>
    public CharRnnOptions Clone() => new() { Pooling = Pooling, MinCharacterCount = MinCharacterCount, Run = Run.Clone() };

    /// <summary>Throws when a setting breaks its rule; the message names every such setting and its allowed values.</summary>
    /// <exception cref="ArgumentException">A setting is out of range, missing or not finite.</exception>
    internal void Validate()
    {
        var errors = OptionRules.Check(this, "CharRnnOptions.");
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors), "options");
    }
}
