using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Training;

public sealed partial class CharRnnModel
{
    /// <summary>
    /// The model of a training checkpoint (a worker run's <c>checkpoint.bin</c>, or <see cref="TrainingSession.SaveCheckpoint"/>):
    /// its weights, vocabulary and <paramref name="spec"/>'s activation. The checkpoint is checked first — intact (its
    /// SHA-256), of this format version and written for <paramref name="spec"/>'s configuration.
    /// </summary>
    /// <param name="spec">The run's specification (a worker run's <c>run.json</c>).</param>
    /// <param name="checkpointPath">The checkpoint file.</param>
    /// <exception cref="InputException">The checkpoint is missing, damaged, of another version or of another configuration.</exception>
    public static CharRnnModel FromCheckpoint(RunSpec spec, string checkpointPath)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!File.Exists(checkpointPath))
            throw new InputException($"checkpoint '{checkpointPath}' does not exist: train the run to the end first (its folder holds checkpoint.bin then)");
        TrainingSession.VerifyCheckpoint(spec, checkpointPath);                  // magic, version, SHA-256, configuration
        using var guard = TorchGuard.Enter();
        using var reader = new BinaryReader(File.OpenRead(checkpointPath), System.Text.Encoding.UTF8);
        // The layout of TrainingSession.WriteCheckpoint up to the weights (CharRnnModelTests checks the two agree).
        reader.ReadString();                                                    // magic
        reader.ReadInt32();                                                     // format version
        reader.ReadString();                                                    // configuration hash
        var vocabulary = Vocabulary.FromCharacters(reader.ReadString());
        reader.ReadDouble();                                                    // learning-rate scale
        reader.ReadInt32();                                                     // non-finite events
        reader.ReadInt32();                                                     // clipped steps
        reader.ReadDouble();                                                    // elapsed seconds
        reader.ReadInt32();                                                     // step
        reader.ReadInt32();                                                     // data cursor
        var weights = CharRnnWeights.Read(reader);
        if (weights.Hidden != spec.Model.HiddenSize || weights.Vocabulary != vocabulary.Size)
        {
            weights.Dispose();
            throw new InputException($"checkpoint '{checkpointPath}' does not hold the model its configuration describes: restore it or train the run again");
        }
        return new CharRnnModel(weights, spec.Model.Activation, vocabulary);
    }

    /// <summary>The activation of the recurrent units.</summary>
    public Activation Activation => _network.Activation;

    /// <summary>An independent copy (same weights and vocabulary); dispose it separately.</summary>
    public CharRnnModel Clone()
    {
        using var guard = TorchGuard.Enter();
        lock (_gate) return new CharRnnModel(_network.Weights.Clone(), _network.Activation, _vocabulary);
    }
}
