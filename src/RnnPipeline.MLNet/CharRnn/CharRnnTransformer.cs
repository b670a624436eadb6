using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Data;
using RnnPipeline.DataViews;
using RnnPipeline.Diagnostics;
using RnnPipeline.IO;
using RnnPipeline.Training;

namespace RnnPipeline.MLNet.CharRnn;

/// <summary>
/// A fitted char-RNN featurizer. Adds <see cref="CharRnnColumns.Features"/> (the row's hidden states pooled as
/// <see cref="CharRnnOptions.Pooling"/> says, Vector&lt;Single&gt; of known size, usable by any ML.NET trainer) and
/// <see cref="CharRnnColumns.BitsPerChar"/>. Rows are mapped lazily, like ML.NET's own transforms.
/// <para>
/// Every row gets finite values: a row is read after a newline (as the model saw rows in training) and its end is
/// predicted too, so empty and one-character rows are defined; a missing (null) text reads as empty; long rows are
/// streamed with bounded memory; unseen characters are folded to known ones or to the trained unknown symbol.
/// </para>
/// <para>
/// Saving: ML.NET zips can only hold transformers built from ML.NET's internal components (dotnet/machinelearning#4911),
/// so <c>mlContext.Model.Save</c> of a chain containing this transformer throws. The supported route is two files:
/// <see cref="Save"/>/<see cref="Load"/> for this transformer, and <c>mlContext.Model.Save</c> for the ML.NET part of
/// the pipeline fitted on its output (see the README and samples/LineClassification).
/// </para>
/// </summary>
public sealed class CharRnnTransformer : ITransformer, IDisposable
{
    private const string Magic = "RNNPIPELINE-CHARRNN-TRANSFORMER-2";
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };
    private readonly CharRnnOptions _options;
    private readonly HashSet<char> _known;
    private readonly ITransformer _mapping;

    internal CharRnnTransformer(CharRnnColumns columns, CharRnnOptions options, CharRnnModel model, RunRecording diagnostics)
    {
        Columns = columns;
        _options = options.Clone();
        Model = model;
        Diagnostics = diagnostics;
        _known = [.. model.Characters];
        var plumbing = new MLContext();
        var pooling = _options.Pooling;
        var template = CharRnnSchema.Template(plumbing, columns, CharRnnSchema.FeatureLength(pooling, model.HiddenSize), (input, output) =>
        {
            var reading = model.Read(CharRnnText.Fold(input.Text ?? "", _known));
            output.Features = Pool(reading, pooling);
            output.BitsPerChar = reading.BitsPerChar;
        });
        _mapping = template.Fit(plumbing.Data.LoadFromEnumerable(Array.Empty<CharRnnSchema.Input>(), CharRnnSchema.InputDefinition(columns)));
    }

    /// <summary>The columns this transformer reads and writes.</summary>
    public CharRnnColumns Columns { get; }

    /// <summary>A copy of the settings the transformer was fitted with (changing it changes nothing).</summary>
    public CharRnnOptions Options => _options.Clone();

    /// <summary>The trained model.</summary>
    public CharRnnModel Model { get; }

    /// <summary>
    /// Every record of the fit (metrics, clipping, gradient flow, stability): the same tables as the worker's, via
    /// <see cref="RunDataViews.View"/> or <see cref="RunDataViews.Save(RunRecording, string)"/>. Empty after <see cref="Load"/>.
    /// </summary>
    public RunRecording Diagnostics { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <summary>The feature vector of one reading under <paramref name="pooling"/>.</summary>
    private static float[] Pool(CharRnnReading reading, CharRnnPooling pooling) => pooling switch
    {
        CharRnnPooling.Last => reading.Last,
        CharRnnPooling.Mean => reading.Mean,
        CharRnnPooling.Max => reading.Max,
        CharRnnPooling.Concatenated => [.. reading.Last, .. reading.Mean, .. reading.Max],
        _ => throw new ArgumentOutOfRangeException(nameof(pooling), pooling, null),
    };

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        CharRnnSchema.RequireText(inputSchema, Columns.Input);
        return _mapping.GetOutputSchema(inputSchema);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _mapping.GetRowToRowMapper(inputSchema);

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        CharRnnSchema.RequireText(input.Schema, Columns.Input);
        return _mapping.Transform(input);
    }

    /// <summary>Not supported by ML.NET for external transformers (dotnet/machinelearning#4911): use <see cref="Save"/>.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException("CharRnnTransformer cannot be written into an ML.NET model zip (dotnet/machinelearning#4911): save it with CharRnnTransformer.Save(path) and the rest of the pipeline with mlContext.Model.Save");

    /// <summary>Writes columns, settings and model to <paramref name="path"/> (atomically).</summary>
    public void Save(string path) => AtomicFile.Write(path, stream =>
    {
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(JsonSerializer.Serialize(Columns, Json));
            writer.Write(JsonSerializer.Serialize(_options, Json));
        }
        Model.Save(stream);
    });

    /// <summary>Reads a transformer written by <see cref="Save"/>.</summary>
    /// <exception cref="InputException">The file is missing or not a saved char-RNN transformer.</exception>
    public static CharRnnTransformer Load(MLContext ml, string path)
    {
        ArgumentNullException.ThrowIfNull(ml);
        if (!File.Exists(path)) throw new InputException($"char-RNN model file '{path}' does not exist: save one with CharRnnTransformer.Save");
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            if (reader.ReadString() != Magic) throw new InputException($"'{path}' is not a saved char-RNN transformer (or was saved by another version): save it again with CharRnnTransformer.Save");
            var columns = JsonSerializer.Deserialize<CharRnnColumns>(reader.ReadString(), Json)!;
            var options = JsonSerializer.Deserialize<CharRnnOptions>(reader.ReadString(), Json)!;
            var model = CharRnnModel.Load(stream);
            return new CharRnnTransformer(columns, options, model, new RunRecording(RunInfo.For("mlnet", options.Run)));
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new InputException($"'{path}' is truncated or damaged: save it again with CharRnnTransformer.Save");
        }
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
