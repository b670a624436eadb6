using RnnPipeline.IO;
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
    private const string Kind = "char-rnn model";
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

    /// <summary>
    /// Writes the model as a <see cref="SectionFile"/> of kind "char-rnn model": the sections "vocabulary",
    /// "model/activation" and "model/weights" (<see cref="WriteTo"/>), then the SHA-256 of all of it.
    /// </summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var file = new SectionFileWriter(Kind);
        WriteTo(file);
        file.WriteTo(stream);
    }

    /// <summary>
    /// Adds the model's sections ("vocabulary", "model/activation", "model/weights") to <paramref name="file"/>, for a file
    /// that holds a model beside other sections (a checkpoint holds the same three); <see cref="ReadFrom"/> reads them.
    /// </summary>
    public void WriteTo(SectionFileWriter file) => TorchGuard.Run(() =>
    {
        ArgumentNullException.ThrowIfNull(file);
        PersistedSections.WriteVocabulary(file, _vocabulary);
        PersistedSections.WriteActivation(file, _network.Activation);
        file.Add(PersistedSections.Weights, _network.Weights.Write);
    });

    /// <summary>
    /// Reads a model written by <see cref="Save"/> (or by an earlier version, whose files began with
    /// "RNNPIPELINE-CHARRNN" and had no checksum). Every field is checked before it is used (see <see cref="ReadFrom"/>).
    /// </summary>
    /// <param name="stream">The stream, standing at the model; it is read to its end.</param>
    /// <param name="name">What to call the stream in a refusal, e.g. its file name.</param>
    /// <exception cref="InputException">The stream is not such a model, or it is truncated or damaged (the message names <paramref name="name"/>).</exception>
    public static CharRnnModel Load(Stream stream, string name = "the char-RNN model file")
    {
        ArgumentNullException.ThrowIfNull(stream);
        const string fix = "save it again with CharRnnTransformer.Save";
        byte[] bytes;
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            bytes = copy.ToArray();
        }
        if (IO.SectionFile.LeadingString(bytes) == LegacyMagic) return LoadLegacy(bytes, name, fix);
        return ReadFrom(SectionFileReader.Open(bytes, Kind, name, fix), name);
    }

    /// <summary>
    /// Reads the model's sections from <paramref name="file"/> (see <see cref="WriteTo"/>), each checked before it is
    /// used: the activation is one of <see cref="Options.Activation"/>, the vocabulary is a set of at most 65,536 distinct
    /// characters, the weights have rank 1 or 2, bounded extents, values within the section and the shapes of one model
    /// of that vocabulary.
    /// </summary>
    /// <param name="file">The container.</param>
    /// <param name="name">What to call the file in a refusal.</param>
    /// <exception cref="InputException">A section is missing, truncated or out of range (the message names <paramref name="name"/>).</exception>
    public static CharRnnModel ReadFrom(SectionFileReader file, string name) => TorchGuard.Run(() =>
    {
        ArgumentNullException.ThrowIfNull(file);
        var activation = PersistedSections.ReadActivation(file);
        var vocabulary = PersistedSections.ReadVocabulary(file);
        var weights = file.Read(PersistedSections.Weights, CharRnnWeights.Read);
        if (weights.Vocabulary == vocabulary.Size) return new CharRnnModel(weights, activation, vocabulary);
        weights.Dispose();
        throw new InputException($"{name} is damaged: its weights are for {weights.Vocabulary} symbols, its vocabulary has {vocabulary.Size}; save it again with CharRnnTransformer.Save");
    });

    /// <inheritdoc />
    public void Dispose() => TorchGuard.Run(_network.Weights.Dispose);
}
