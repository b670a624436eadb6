using RnnPipeline.Options;
using RnnPipeline.Training.Engine;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Text;
using static RnnPipeline.Training.OwnedScalars;
using static TorchSharp.torch;

namespace RnnPipeline.Training;

/// <summary>
/// A trained character RNN for inference: a text's hidden states pooled into fixed-size vectors, and the bits per
/// character the model needs to encode it. Thread-safe (calls are serialised). Saves and loads itself.
/// </summary>
public sealed partial class CharRnnModel : IDisposable
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

    /// <summary>The recurrent cell.</summary>
    public RecurrentCell Cell => _network.Cell;

    /// <summary>Hidden units H: the length of each pooled vector of <see cref="Read"/>.</summary>
    public int HiddenSize => _network.Weights.Hidden;

    /// <summary>A copy of the session's current weights.</summary>
    public static CharRnnModel From(TrainingSession session) =>
        TorchGuard.Run(() => new CharRnnModel(session.Network.Weights.Clone(), session.Network.Activation, session.Corpus.Vocabulary));

    /// <summary>Characters of the model's vocabulary; index 0 is <see cref="Vocabulary.Unknown"/>, which stands for every other character.</summary>
    public string Characters => _vocabulary.Characters;

    /// <summary>
    /// Reads <paramref name="text"/> the way the training stream presents a row: from a zero state, after
    /// <paramref name="start"/> (the row separator), followed by <paramref name="start"/> again as its end. Returns the
    /// hidden states h_1..h_T of the T = |text| + 1 characters read (separator and text) pooled over time, and the bits
    /// per character the model needs for the |text| + 1 characters it predicts (the text and its end), so every text,
    /// even an empty one, has finite values. The text is streamed in chunks of <paramref name="chunk"/> characters with
    /// the state carried across them: memory does not grow with the length of the text.
    /// </summary>
    public CharRnnReading Read(string text, char start = '\n', int chunk = 512)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunk);
        int length = text.Length + 1;                                       // inputs: start, text; targets: text, start
        var targets = new long[Math.Min(chunk, length)];
        lock (_gate)
        {
            // Inside the lock: a thread waiting for the lock holds no section, so the reader's safe points cannot wait for it.
            return TorchGuard.Run(() =>
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var reader = new ChunkedReader(_network, 1);
                var sum = zeros(HiddenSize);
                var max = With(float.NegativeInfinity, s => full(HiddenSize, s));
                var nats = zeros(1, dtype: ScalarType.Float64);
                reader.Read(length, chunk, (from, n, inputs) =>
                {
                    for (int i = 0; i < n; i++)
                    {
                        int at = from + i;                                      // position in start + text
                        inputs[i] = _vocabulary.IndexOf(at == 0 ? start : text[at - 1]);
                        targets[i] = _vocabulary.IndexOf(at < text.Length ? text[at] : start);
                    }
                }, (_, pass) =>
                {
                    long n = pass.Inputs.shape[0];
                    var states = pass.Hidden[.., 0];                            // [n, H]
                    sum.add_(states.sum(dim: 0), One);                          // dim: named, or 0 binds to sum(ScalarType)
                    max.copy_(maximum(max, states.amax(0)));
                    nats.sub_(pass.LogProbabilities.gather(1, tensor(targets.AsSpan(0, (int)n).ToArray(), [n, 1])).sum().to(ScalarType.Float64));
                });
                // Only a diverging ReLU model can overflow; keep the outputs finite so downstream trainers never see NaN.
                float[] Finite(Tensor t) => nan_to_num(t, 0, float.MaxValue, float.MinValue).data<float>().ToArray();
                double bits = nats.item<double>() / length / Math.Log(2);
                return new CharRnnReading(Finite(reader.Hidden[0, ..HiddenSize]), Finite(With(length, s => sum.div(s))), Finite(max), double.IsFinite(bits) ? (float)Math.Min(float.MaxValue, bits) : float.MaxValue);
            });
        }
    }

    /// <summary>Writes the model (activation, vocabulary, weights).</summary>
    public void Save(Stream stream) => TorchGuard.Run(() =>
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write((int)_network.Activation);
        writer.Write(_vocabulary.Characters);
        _network.Weights.Write(writer);
    });

    /// <summary>
    /// Reads a model written by <see cref="Save"/>. Every field is checked before it is used: the activation is one of
    /// <see cref="Options.Activation"/>, the vocabulary is a vocabulary of at most 65,536 distinct characters, the weights
    /// have rank 1 or 2, bounded extents, values within the stream and the shapes of one model of that vocabulary.
    /// </summary>
    /// <param name="stream">The stream, standing at the model.</param>
    /// <param name="name">What to call the stream in a refusal, e.g. its file name.</param>
    /// <exception cref="InputException">The stream is not such a model, or it is truncated or damaged (the message names <paramref name="name"/>).</exception>
    public static CharRnnModel Load(Stream stream, string name = "the char-RNN model file") => TorchGuard.Run(() =>
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        string fix = "save it again with CharRnnTransformer.Save";
        try
        {
            if (reader.ReadString() != Magic) throw new InputException($"{name} is not a char-RNN model file: {fix}");
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

    /// <inheritdoc />
    public void Dispose() => TorchGuard.Run(_network.Weights.Dispose);
}
