using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using RnnPipeline.Options;

namespace RnnPipeline.MLNet.CharRnn;

/// <summary>
/// Training and featurizing settings of <see cref="CharRnnEstimator"/> (the columns are arguments of
/// <see cref="CharRnnCatalog.FeaturizeCharRnn"/>). The estimator copies and validates them when it is created: later
/// changes to this object affect neither the estimator nor a fitted model. The defaults are chosen for a pipeline
/// (docs/mlnet.md, "Features that add"): quick to fit, features that add to FeaturizeText's, no stability diagnostics.
/// </summary>
public sealed class CharRnnOptions
{
    /// <summary>How the hidden states of a row become its feature vector (default: all three poolings concatenated).</summary>
    public CharRnnPooling Pooling { get; set; } = CharRnnPooling.Concatenated;

    /// <summary>How the pooled vector is scaled (default: to unit length, like FeaturizeText's n-gram vectors).</summary>
    public CharRnnNormalization Normalization { get; set; } = CharRnnNormalization.UnitLength;

    /// <summary>
    /// Characters that occur fewer times than this in the training text are trained as the unknown symbol, which then
    /// stands for every character the model has not seen (1: none; the unknown symbol stays untrained).
    /// </summary>
    [Range(1, 1_000_000)]
    public int MinCharacterCount { get; set; } = 3;

    /// <summary>
    /// Seed of the model's initialisation and batching. Null (default): the seed of the <c>MLContext</c> when it was
    /// created with one (<c>new MLContext(seed: s)</c>), otherwise <see cref="TrainingOptions.Seed"/> of <see cref="Run"/>.
    /// (An explicit seed is set here: an int cannot tell "left at its default" from "set to 1".)
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>
    /// Keep each row's features once computed for a given input data view (default): iterative trainers (SDCA, L-BFGS)
    /// pass over their input many times, and without it every pass runs the RNN over every row again. The cache holds
    /// the columns that are read, for as long as the input view is alive; switch it off for data too large for memory
    /// or an input view whose rows change between passes.
    /// </summary>
    public bool CacheFeatures { get; set; } = true;

    /// <summary>
    /// Model, training, clipping, non-finite and diagnostics settings, with the same rules as the worker's runs
    /// (Corpus.ValidationFraction applies to the joined text; the other Corpus and Probe settings are not used).
    /// Defaults: H = 128 and 1,000 steps (measured in docs/mlnet.md: at H = 64 and 300 steps the features barely beat
    /// FeaturizeText on an order-only task), and no stability diagnostics (see <see cref="RecordDiagnostics"/>).
    /// </summary>
    public RunSpec Run { get; set; } = new()
    {
        Name = "charrnn",
        Model = { HiddenSize = 128 },
        Training = { Steps = 1000, BatchSize = 16, WindowLength = 32, EvalEvery = 250 },
        Diagnostics = { Every = 0 },
    };

    /// <summary>
    /// The one switch for the stability diagnostics of a fit (Jacobian norms, gradient reach, Lyapunov exponents: what
    /// <c>transformer.WriteReport</c> of RnnPipeline.MLNet.Reporting plots): true records them at least 20 times per fit (and at the first
    /// and last step; the worker's default period where that is denser), false (default) records none. Same as setting
    /// <c>Run.Diagnostics.Every</c> to null (true) or 0 (false); a period set there directly shows as true and is kept.
    /// </summary>
    [JsonIgnore]
    public bool RecordDiagnostics
    {
        get => Run.Diagnostics.Every != 0;
        set => Run.Diagnostics.Every = value ? null : 0;
    }

    /// <summary>A deep copy.</summary>
    public CharRnnOptions Clone() => new()
    {
        Pooling = Pooling, Normalization = Normalization, MinCharacterCount = MinCharacterCount, Seed = Seed, CacheFeatures = CacheFeatures,
        Run = Run.Clone(),
    };

    /// <summary>
    /// Throws when a setting breaks its rule; the message names every such setting and its allowed values. A featurizer
    /// that <paramref name="trains"/> needs at least one step (the worker allows 0 to evaluate a checkpoint as it is).
    /// </summary>
    /// <exception cref="ArgumentException">A setting is out of range, missing or not finite.</exception>
    internal void Validate(bool trains = true)
    {
        var errors = OptionRules.Check(this, "CharRnnOptions.").ToList();
        if (trains && Run?.Training is { Steps: 0 }) errors.Add("CharRnnOptions.Run.Training.Steps = 0: must be at least 1 to fit a featurizer");
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors), "options");
    }
}
