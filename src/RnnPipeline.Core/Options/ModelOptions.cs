using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace RnnPipeline.Options;

/// <summary>Architecture of the character-level RNN: embedding → one recurrent layer → linear head.</summary>
public sealed class ModelOptions
{
    /// <summary>
    /// Recurrent cell: the vanilla unit (with <see cref="Activation"/>), LSTM or GRU. Left out of the JSON when it is the
    /// vanilla unit, so the configuration hash of every vanilla run is what it was before gated cells existed.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public RecurrentCell Cell { get; set; } = RecurrentCell.Rnn;

    /// <summary>The unit's name: the cell for a gated one ("Lstm", "Gru"), the nonlinearity for the vanilla one ("Tanh", …).</summary>
    [JsonIgnore]
    public string Unit => Cell == RecurrentCell.Rnn ? Activation.ToString() : Cell.ToString();

    /// <summary>Recurrent nonlinearity of the vanilla unit (<see cref="Cell"/> = Rnn); gated cells use their own (σ and tanh).</summary>
    public Activation Activation { get; set; } = Activation.Tanh;

    /// <summary>Hidden units H.</summary>
    [Range(1, 4096)]
    public int HiddenSize { get; set; } = 128;

    /// <summary>Character embedding width; 0 feeds one-hot vectors.</summary>
    [Range(0, 4096)]
    public int EmbeddingSize { get; set; } = 0;

    /// <summary>Initialisation of W_hh (for a gated cell: of each gate's H×H block).</summary>
    public RecurrentInit Init { get; set; } = RecurrentInit.Orthogonal;

    /// <summary>Gain g applied by the Normal, Orthogonal and Identity initialisations.</summary>
    [Range(0.0, 100.0)]
    public double InitGain { get; set; } = 1.0;
}
