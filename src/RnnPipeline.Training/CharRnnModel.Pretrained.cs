using RnnPipeline.Options;

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
        return TorchGuard.Run(() =>
        {
            var (vocabulary, weights) = TrainingSession.ReadModel(spec, checkpointPath);
            return new CharRnnModel(weights, spec.Model.Activation, vocabulary);
        });
    }

    /// <summary>The activation of the recurrent units.</summary>
    public Activation Activation => _network.Activation;

    /// <summary>An independent copy (same weights and vocabulary); dispose it separately.</summary>
    public CharRnnModel Clone()
    {
        lock (_gate) return TorchGuard.Run(() => new CharRnnModel(_network.Weights.Clone(), _network.Activation, _vocabulary));
    }
}
