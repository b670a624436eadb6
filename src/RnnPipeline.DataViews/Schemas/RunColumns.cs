using RnnPipeline.Diagnostics;
using RnnPipeline.Options;

namespace RnnPipeline.DataViews.Schemas;

/// <summary>Run metadata columns present on every row of every table, so that views of several runs concatenate.</summary>
public class RunColumns
{
    /// <summary>Unique run identifier, "&lt;suite&gt;/&lt;run&gt;".</summary>
    public string RunId { get; set; } = "";
    /// <summary>Suite name.</summary>
    public string Suite { get; set; } = "";
    /// <summary>Recurrent nonlinearity: Tanh, Sigmoid or Relu.</summary>
    public string Activation { get; set; } = "";
    /// <summary>W_hh initialisation: Default, Normal, Orthogonal or Identity.</summary>
    public string Init { get; set; } = "";
    /// <summary>Initialisation gain g.</summary>
    public double InitGain { get; set; }
    /// <summary>Training seed.</summary>
    public int Seed { get; set; }
    /// <summary>Hash of the run configuration.</summary>
    public string ConfigHash { get; set; } = "";
    /// <summary>Corpus kind: TextFile, DelayedRecall or BracketMatching.</summary>
    public string Corpus { get; set; } = "";
    /// <summary>Clipping mode: None, Norm or Value.</summary>
    public string Clipping { get; set; } = "";
    /// <summary>Hidden units H.</summary>
    public int HiddenSize { get; set; }
    /// <summary>Hash of the unit's settings (the configuration without the seed and, for one-lag episode runs, the lag).</summary>
    public string UnitHash { get; set; } = "";
    /// <summary>Recurrent cell: Rnn (the vanilla unit with <see cref="Activation"/>), Lstm or Gru.</summary>
    public string Cell { get; set; } = "";

    /// <summary>Copies the metadata of <paramref name="info"/> into this row; returns the row.</summary>
    public T With<T>(RunInfo info) where T : RunColumns
    {
        (RunId, Suite, Activation, Init, InitGain, Seed, ConfigHash, Corpus, Clipping, HiddenSize, UnitHash, Cell) =
            (info.RunId, info.Suite, info.Activation.ToString(), info.Init.ToString(), info.InitGain, info.Seed,
             info.ConfigHash, info.Corpus.ToString(), info.Clipping.ToString(), info.HiddenSize, info.UnitHash, info.Cell.ToString());
        return (T)this;
    }

    /// <summary>The run metadata of this row.</summary>
    public RunInfo ToRunInfo() => new(RunId, Suite, Enum.Parse<Activation>(Activation), Enum.Parse<RecurrentInit>(Init), InitGain,
        Seed, ConfigHash, Enum.Parse<CorpusKind>(Corpus), Enum.Parse<ClipMode>(Clipping), HiddenSize, UnitHash)
    { Cell = Enum.Parse<RecurrentCell>(Cell) };
}
