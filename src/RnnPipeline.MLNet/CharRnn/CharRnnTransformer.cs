using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Data;
using RnnPipeline.Diagnostics;
using RnnPipeline.IO;
using RnnPipeline.Training;

namespace RnnPipeline.MLNet.CharRnn;

/// <summary>
/// A fitted char-RNN featurizer. Adds <see cref="CharRnnOptions.FeaturesColumnName"/> (the final hidden state,
/// Vector&lt;Single&gt; of length H, usable by any ML.NET trainer) and <see cref="CharRnnOptions.BitsPerCharColumnName"/>.
/// Rows are mapped lazily, like ML.NET's own transforms.
/// <para>
/// Saving: ML.NET zips can only hold transformers built from ML.NET's internal components (dotnet/machinelearning#4911),
/// so <c>mlContext.Model.Save</c> of a chain containing this transformer throws. The supported route is two files:
/// <see cref="Save"/>/<see cref="Load"/> for this transformer, and <c>mlContext.Model.Save</c> for the ML.NET part of
/// the pipeline fitted on its output (see the README and samples/LineClassification).
/// </para>
/// </summary>
public sealed class CharRnnTransformer : ITransformer, IDisposable
{
    private const string Magic = "RNNPIPELINE-CHARRNN-TRANSFORMER";
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };
    private readonly ITransformer _mapping;

    internal CharRnnTransformer(MLContext ml, CharRnnOptions options, CharRnnModel model, RunRecording diagnostics)
    {
        Options = options;
        Model = model;
        Diagnostics = diagnostics;
        var template = CharRnnSchema.Template(ml, options, model.HiddenSize, (input, output) =>
        {
            (output.Features, output.BitsPerChar) = model.Featurize(input.Text ?? "");
        });
        var schemaOnly = SchemaDefinition.Create(typeof(CharRnnSchema.Input));
        schemaOnly[nameof(CharRnnSchema.Input.Text)].ColumnName = options.InputColumnName;
        _mapping = template.Fit(ml.Data.LoadFromEnumerable(Array.Empty<CharRnnSchema.Input>(), schemaOnly));
    }

    /// <summary>Options the transformer was fitted with.</summary>
    public CharRnnOptions Options { get; }

    /// <summary>The trained model.</summary>
    public CharRnnModel Model { get; }

    /// <summary>
    /// Every record of the fit (metrics, clipping, gradient flow, stability): the same tables as the worker's, via
    /// <see cref="RunDataViews.View"/> or <see cref="RunDataViews.Save"/>. Empty after <see cref="Load"/>.
    /// </summary>
    public RunRecording Diagnostics { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        CharRnnSchema.RequireText(inputSchema, Options.InputColumnName);
        return _mapping.GetOutputSchema(inputSchema);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _mapping.GetRowToRowMapper(inputSchema);

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        CharRnnSchema.RequireText(input.Schema, Options.InputColumnName);
        return _mapping.Transform(input);
    }

    /// <summary>Not supported by ML.NET for external transformers (dotnet/machinelearning#4911): use <see cref="Save"/>.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException("CharRnnTransformer cannot be written into an ML.NET model zip (dotnet/machinelearning#4911): save it with CharRnnTransformer.Save(path) and the rest of the pipeline with mlContext.Model.Save");

    /// <summary>Writes options and model to <paramref name="path"/> (atomically).</summary>
    public void Save(string path) => AtomicFile.Write(path, stream =>
    {
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(JsonSerializer.Serialize(Options, Json));
        }
        Model.Save(stream);
    });

    /// <summary>Reads a transformer written by <see cref="Save"/>.</summary>
    /// <exception cref="InputException">The file is missing or not a saved char-RNN transformer.</exception>
    public static CharRnnTransformer Load(MLContext ml, string path)
    {
        if (!File.Exists(path)) throw new InputException($"char-RNN model file '{path}' does not exist: save one with CharRnnTransformer.Save");
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        if (reader.ReadString() != Magic) throw new InputException($"'{path}' is not a saved char-RNN transformer");
        var options = JsonSerializer.Deserialize<CharRnnOptions>(reader.ReadString(), Json)!;
        var model = CharRnnModel.Load(stream);
        return new CharRnnTransformer(ml, options, model, new RunRecording(RunInfo.For("mlnet", options.Run)));
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
