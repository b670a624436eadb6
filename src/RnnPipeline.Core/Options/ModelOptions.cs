using System.ComponentModel.DataAnnotations;

namespace RnnPipeline.Options;

/// <summary>Architecture of the character-level RNN: embedding → one vanilla recurrent layer → linear head.</summary>
public sealed class ModelOptions
{
    /// <summary>Recurrent nonlinearity.</summary>
    public Activation Activation { get; set; } = Activation.Tanh;

    /// <summary>Hidden units H.</summary>
    [Range(1, 4096)]
    public int HiddenSize { get; set; } = 128;

    /// <summary>Character embedding width; 0 feeds one-hot vectors.</summary>
    [Range(0, 4096)]
    public int EmbeddingSize { get; set; } = 0;

    /// <summary>Initialisation of W_hh.</summary>
    public RecurrentInit Init { get; set; } = RecurrentInit.Orthogonal;

    /// <summary>Gain g applied by the Normal, Orthogonal and Identity initialisations.</summary>
    [Range(0.0, 100.0)]
    public double InitGain { get; set; } = 1.0;
}
