using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Training;

public sealed partial class CharRnnModel
{
    /// <summary>The first string of a model written before the <see cref="IO.SectionFile"/> container; saved featurizers of that time hold one.</summary>
    private const string LegacyMagic = "RNNPIPELINE-CHARRNN";

    private static bool StartsWithLegacyMagic(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), System.Text.Encoding.UTF8);
        try
        {
            return reader.ReadString() == LegacyMagic;
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException)
        {
            return false;
        }
    }

    /// <summary>Reads a model of the earlier layout: magic, activation, vocabulary, weights, one after the other; every field checked.</summary>
    private static CharRnnModel LoadLegacy(byte[] bytes, string name, string fix) => TorchGuard.Run(() =>
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), System.Text.Encoding.UTF8);
        try
        {
            reader.ReadString();
            var activation = (Activation)reader.ReadInt32();
            if (!Enum.IsDefined(activation))
                throw new InputException($"{name} is damaged: activation {(int)activation} is none of {string.Join(", ", Enum.GetNames<Activation>())}; {fix}");
            string characters = reader.ReadString();
            if (characters.Length > TensorIO.MaximumExtent || characters.Distinct().Count() != characters.Length)
                throw new InputException($"{name} is damaged: its vocabulary is not a set of at most {TensorIO.MaximumExtent} distinct characters; {fix}");
            var vocabulary = Vocabulary.FromCharacters(characters);
            var weights = CharRnnWeights.Read(reader);
            if (weights.Vocabulary == vocabulary.Size) return new CharRnnModel(weights, activation, vocabulary);
            weights.Dispose();
            throw new InputException($"{name} is damaged: its weights are for {weights.Vocabulary} symbols, its vocabulary has {vocabulary.Size}; {fix}");
        }
        catch (EndOfStreamException)
        {
            throw new InputException($"{name} is truncated: {fix}");
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or FormatException or OverflowException)
        {
            throw new InputException($"{name} is damaged ({e.Message.TrimEnd('.')}): {fix}");
        }
    });
}
