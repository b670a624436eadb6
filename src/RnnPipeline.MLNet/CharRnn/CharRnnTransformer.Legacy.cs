using System.Security.Cryptography;
using System.Text.Json;
using RnnPipeline.IO;
using RnnPipeline.Training;

namespace RnnPipeline.MLNet.CharRnn;

public sealed partial class CharRnnTransformer
{
    // The layouts before the SectionFile container: magic, columns (JSON), settings (JSON), the model
    // (CharRnnModel's own earlier layout), one after the other; the last of them ends with the SHA-256 of the rest.
    private const string MagicWithChecksum = "RNNPIPELINE-CHARRNN-TRANSFORMER-4";
    private const string MagicBeforeChecksum = "RNNPIPELINE-CHARRNN-TRANSFORMER-3";
    private const string MagicBeforeNormalization = "RNNPIPELINE-CHARRNN-TRANSFORMER-2";

    /// <summary>The magic of a file of an earlier layout this version reads, or null.</summary>
    private static string? LegacyMagic(byte[] bytes) =>
        SectionFile.LeadingString(bytes) is var magic and (MagicWithChecksum or MagicBeforeChecksum or MagicBeforeNormalization) ? magic : null;

    /// <summary>Reads a featurizer saved by an earlier version (<paramref name="magic"/> names which), field by field.</summary>
    private static CharRnnTransformer LoadLegacy(byte[] bytes, string magic, string name)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            reader.ReadString();
            int length = bytes.Length;
            if (magic == MagicWithChecksum)
            {
                length -= 32;
                if (length < stream.Position || !SHA256.HashData(bytes.AsSpan(0, length)).AsSpan().SequenceEqual(bytes.AsSpan(length)))
                    throw new InputException($"{name} is damaged or truncated (its SHA-256 does not match its content): {SaveAgain}");
            }
            var columns = JsonSerializer.Deserialize<CharRnnColumns>(reader.ReadString(), JsonOptions)
                ?? throw new InputException($"{name} has no columns: {SaveAgain}");
            var options = JsonSerializer.Deserialize<CharRnnOptions>(reader.ReadString(), JsonOptions)
                ?? throw new InputException($"{name} has no settings: {SaveAgain}");
            if (magic == MagicBeforeNormalization) options.Normalization = CharRnnNormalization.None;   // as it featurized then
            var model = CharRnnModel.Load(new MemoryStream(bytes, (int)stream.Position, length - (int)stream.Position, writable: false), name);
            return Create(columns, options, model, name);
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or FormatException)
        {
            throw new InputException($"{name} is truncated or damaged: {SaveAgain}");
        }
    }
}
