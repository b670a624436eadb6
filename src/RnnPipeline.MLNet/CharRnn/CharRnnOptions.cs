using RnnPipeline.Options;

namespace RnnPipeline.MLNet.CharRnn;

/// <summary>Options of <see cref="CharRnnEstimator"/>: columns, and the same run settings the worker uses.</summary>
public sealed class CharRnnOptions
{
    /// <summary>Text column to train on and to featurize.</summary>
    public string InputColumnName { get; set; } = "Text";

    /// <summary>Output column: final hidden state, Vector&lt;Single&gt; of length HiddenSize.</summary>
    public string FeaturesColumnName { get; set; } = "CharRnnFeatures";

    /// <summary>Output column: the model's bits per character on the row (Single; NaN below two characters).</summary>
    public string BitsPerCharColumnName { get; set; } = "CharRnnBitsPerChar";

    /// <summary>Model, training, clipping, non-finite and diagnostics settings (defaults: a small, quick model).</summary>
    public RunSpec Run { get; set; } = new()
    {
        Name = "charrnn",
        Model = { HiddenSize = 64 },
        Training = { Steps = 300, BatchSize = 16, WindowLength = 32, EvalEvery = 100 },
        Diagnostics = { Every = 50 },
    };
}
