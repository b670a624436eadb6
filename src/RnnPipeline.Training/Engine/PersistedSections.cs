using RnnPipeline.IO;
using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Training.Engine;

/// <summary>
/// The names of the sections of the files Training writes (<see cref="SectionFile"/>: checkpoint, char-RNN model), each
/// declared once, with the payload of the ones that have no type of their own. A larger payload is written and read by
/// the pair of methods of the type that owns it: <see cref="CharRnnWeights.Write"/>/<see cref="CharRnnWeights.Read"/>,
/// <see cref="Optim.Optimizer.Write"/>/<see cref="Optim.Optimizer.Read"/>, <see cref="TrainingState.Write"/>/<see cref="TrainingState.Read"/>,
/// <see cref="NonFiniteRecovery.Write"/>/<see cref="NonFiniteRecovery.Read"/>.
/// </summary>
internal static class PersistedSections
{
    /// <summary>The run's configuration hash (<see cref="RunSpec.ConfigHash"/>): a string.</summary>
    public const string Configuration = "run/configuration";

    /// <summary>The characters of the vocabulary, index 0 the unknown symbol: a string.</summary>
    public const string Vocabulary = "vocabulary";

    /// <summary>The activation of the recurrent units: an int32 of <see cref="Options.Activation"/>.</summary>
    public const string Activation = "model/activation";

    /// <summary>The weights (<see cref="CharRnnWeights.Write"/>).</summary>
    public const string Weights = "model/weights";

    /// <summary>Adam's update count and moments (<see cref="Optim.Optimizer.Write"/>).</summary>
    public const string Optimizer = "optimizer";

    /// <summary>The next step to run and the data cursor: two int32.</summary>
    public const string Cursor = "cursor";

    /// <summary>The hidden state [B, S] carried into the next step (<see cref="TensorIO.Write"/>).</summary>
    public const string HiddenState = "hidden-state";

    /// <summary>The non-finite policy's learning-rate scale (float64) and event count (int32).</summary>
    public const string Recovery = "recovery";

    /// <summary>Clipped steps (int32) and training seconds so far (float64).</summary>
    public const string Progress = "progress";

    /// <summary>Prefix of the rollback snapshot's sections: the sections of a training state under "recovery/snapshot/".</summary>
    public const string Snapshot = "recovery/snapshot/";

    /// <summary>Writes the <see cref="Vocabulary"/> section.</summary>
    public static void WriteVocabulary(SectionFileWriter file, Vocabulary vocabulary) => file.Add(Vocabulary, w => w.Write(vocabulary.Characters));

    /// <summary>Reads the <see cref="Vocabulary"/> section: a set of at most 65,536 distinct characters.</summary>
    /// <exception cref="InputException">The section is missing or is not such a set.</exception>
    public static Vocabulary ReadVocabulary(SectionFileReader file) => file.Read(Vocabulary, reader => CheckedVocabulary(reader.ReadString()));

    /// <summary>The vocabulary of a file's <paramref name="characters"/>, which must be a set of at most 65,536 distinct characters.</summary>
    /// <exception cref="InvalidDataException">They are not.</exception>
    public static Vocabulary CheckedVocabulary(string characters) =>
        characters.Length <= TensorIO.MaximumExtent && characters.Distinct().Count() == characters.Length
            ? Text.Vocabulary.FromCharacters(characters)
            : throw new InvalidDataException($"its vocabulary is not a set of at most {TensorIO.MaximumExtent} distinct characters");

    /// <summary>Writes the <see cref="Activation"/> section.</summary>
    public static void WriteActivation(SectionFileWriter file, Activation activation) => file.Add(Activation, w => w.Write((int)activation));

    /// <summary>Reads the <see cref="Activation"/> section: one of <see cref="Options.Activation"/>.</summary>
    /// <exception cref="InputException">The section is missing or holds no activation.</exception>
    public static Activation ReadActivation(SectionFileReader file) => file.Read(Activation, reader => CheckedActivation(reader.ReadInt32()));

    /// <summary>The activation a file stores as <paramref name="value"/>, which must be one of <see cref="Options.Activation"/>.</summary>
    /// <exception cref="InvalidDataException">It is none.</exception>
    public static Activation CheckedActivation(int value) => Enum.IsDefined((Activation)value)
        ? (Activation)value
        : throw new InvalidDataException($"activation {value} is none of {string.Join(", ", Enum.GetNames<Activation>())}");
}
