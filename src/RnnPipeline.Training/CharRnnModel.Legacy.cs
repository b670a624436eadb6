using RnnPipeline.Training.Engine;
using RnnPipeline.Training.Model;

namespace RnnPipeline.Training;

public sealed partial class CharRnnModel
{
    /// <summary>The first string of a model written before the <see cref="IO.SectionFile"/> container; saved featurizers of that time hold one.</summary>
    private const string LegacyMagic = "RNNPIPELINE-CHARRNN";

    /// <summary>Reads a model of the earlier layout: magic, activation, vocabulary, weights, one after the other; every field checked.</summary>
    private static CharRnnModel LoadLegacy(byte[] bytes, string name, string fix) => TorchGuard.Run(() =>
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), System.Text.Encoding.UTF8);
        try
        {
            reader.ReadString();
            var activation = PersistedSections.CheckedActivation(reader.ReadInt32());
            var vocabulary = PersistedSections.CheckedVocabulary(reader.ReadString());
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
