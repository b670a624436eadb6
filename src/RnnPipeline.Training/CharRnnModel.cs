using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Text;
using static TorchSharp.torch;

namespace RnnPipeline.Training;

/// <summary>
/// A trained character RNN for inference: the final hidden state of a text as a fixed-size feature vector, and the
/// bits per character the model needs to encode it. Thread-safe (calls are serialised). Saves and loads itself.
/// </summary>
public sealed class CharRnnModel : IDisposable
{
    private const string Magic = "RNNPIPELINE-CHARRNN";
    private readonly CharRnnNetwork _network;
    private readonly Vocabulary _vocabulary;
    private readonly Lock _gate = new();

    private CharRnnModel(CharRnnWeights weights, Activation activation, Vocabulary vocabulary)
    {
        _network = new CharRnnNetwork(weights, activation);
        _vocabulary = vocabulary;
    }

    /// <summary>Hidden units H: the length of <see cref="Featurize"/>'s vector.</summary>
    public int HiddenSize => _network.Weights.Hidden;

    /// <summary>A copy of the session's current weights.</summary>
    public static CharRnnModel From(TrainingSession session) =>
        new(session.Network.Weights.Clone(), session.Network.Activation, session.Corpus.Vocabulary);

    /// <summary>Reads <paramref name="text"/> from a zero state: the final hidden state [H] and the model's bits/char on it (NaN below two characters).</summary>
    public (float[] Features, float BitsPerChar) Featurize(string text)
    {
        if (text.Length == 0) return (new float[HiddenSize], float.NaN);
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var ids = _vocabulary.Encode(text);
            var pass = _network.Forward(tensor(ids, [ids.Length, 1]), zeros(1, HiddenSize));
            var features = pass.Hidden[^1, 0].data<float>().ToArray();
            if (ids.Length < 2) return (features, float.NaN);
            var next = tensor(ids[1..], [ids.Length - 1, 1]);
            var logProbabilities = pass.LogProbabilities[..^1];
            float nats = -logProbabilities.gather(1, next.reshape(-1, 1)).mean().item<float>();
            return (features, nats / MathF.Log(2));
        }
    }

    /// <summary>Writes the model (activation, vocabulary, weights).</summary>
    public void Save(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write((int)_network.Activation);
        writer.Write(_vocabulary.Characters);
        _network.Weights.Write(writer);
    }

    /// <summary>Reads a model written by <see cref="Save"/>.</summary>
    /// <exception cref="InputException">The stream is not such a model.</exception>
    public static CharRnnModel Load(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            if (reader.ReadString() != Magic) throw new InputException("not a char-RNN model file: save one with CharRnnTransformer.Save");
            var activation = (Activation)reader.ReadInt32();
            var vocabulary = Vocabulary.FromCharacters(reader.ReadString());
            return new CharRnnModel(CharRnnWeights.Read(reader), activation, vocabulary);
        }
        catch (EndOfStreamException)
        {
            throw new InputException("the char-RNN model file is truncated: save it again");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _network.Weights.Dispose();
}
