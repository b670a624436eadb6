using System.Runtime.CompilerServices;
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
/// <see cref="CharRnnOptions.Pooling"/> says and scaled as <see cref="CharRnnOptions.Normalization"/> says,
/// Vector&lt;Single&gt; of known size, usable by any ML.NET trainer) and <see cref="CharRnnColumns.BitsPerChar"/>. Rows
/// are mapped lazily, like ML.NET's own transforms; with <see cref="CharRnnOptions.CacheFeatures"/> (default) a row's
/// values are computed once per input data view, however many passes a trainer makes over it.
/// <para>
/// Thread-safe: <see cref="Transform"/>, cursors and prediction engines may be used from several threads at once (the
/// model serialises its reads), and give the same values as one thread. Safe in any host with nothing to opt into: the
/// library hands TorchSharp only Scalars it owns for the length of each native call, so collections started by other
/// threads at any moment cannot reach one.
/// </para>
/// <para>
/// Every row gets finite values: a row is read after a newline (as the model saw rows in training) and its end is
/// predicted too, so empty and one-character rows are defined; a missing (null) text reads as empty; long rows are
/// streamed with bounded memory; unseen characters are folded to known ones or to the trained unknown symbol.
/// </para>
/// <para>
/// Saving: ML.NET zips can only hold transformers built from ML.NET's internal components (dotnet/machinelearning#4911),
/// so <c>mlContext.Model.Save</c> of a chain containing this transformer throws. One file for the whole pipeline:
/// <c>mlContext.Model.SaveWithCharRnn(model, schema, path)</c> and <c>mlContext.Model.LoadWithCharRnn(path, out schema)</c>
/// (<see cref="CharRnnModelFile"/>); this transformer alone: <see cref="Save"/>/<see cref="Load"/>.
/// </para>
/// </summary>
public sealed partial class CharRnnTransformer : ITransformer, IDisposable
{
    private const string Kind = "char-rnn featurizer";
    private const string ColumnsSection = "featurizer/columns", SettingsSection = "featurizer/settings";
    private const string SaveAgain = "save it again with CharRnnTransformer.Save";
    private static readonly JsonSerializerOptions JsonOptions = new() { Converters = { new JsonStringEnumConverter() } };
    private readonly CharRnnOptions _options;
    private readonly HashSet<char> _known;
    private readonly ITransformer _mapping;
    private readonly MLContext _plumbing = new();
    private readonly ConditionalWeakTable<IDataView, IDataView> _cached = new();
    private long _reads, _cacheHits;

    internal CharRnnTransformer(CharRnnColumns columns, CharRnnOptions options, CharRnnModel model, RunRecording diagnostics)
    {
        Columns = columns;
        _options = options.Clone();
        Model = model;
        Diagnostics = diagnostics;
        _known = [.. model.Characters];
        var (pooling, normalization) = (_options.Pooling, _options.Normalization);
        var template = CharRnnSchema.Template(_plumbing, columns, CharRnnSchema.FeatureLength(pooling, model.HiddenSize), (input, output) =>
        {
            Interlocked.Increment(ref _reads);
            var reading = model.Read(CharRnnText.Fold(input.Text ?? "", _known));
            output.Features = Normalize(Pool(reading, pooling), normalization);
            output.BitsPerChar = reading.BitsPerChar;
        });
        _mapping = template.Fit(_plumbing.Data.LoadFromEnumerable(Array.Empty<CharRnnSchema.Input>(), CharRnnSchema.InputDefinition(columns)));
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

    /// <summary>How many times a row has been run through the RNN since this transformer was created (all threads).</summary>
    public long RowsRead => Interlocked.Read(ref _reads);

    /// <summary>
    /// How many <see cref="Transform"/> calls returned the cached view of an input already featurized (with
    /// <see cref="CharRnnOptions.CacheFeatures"/>; all threads): each is a pass over the rows that ran no RNN.
    /// </summary>
    public long CacheHits => Interlocked.Read(ref _cacheHits);

    /// <summary>Rows and characters of the text the model was trained on in <c>Fit</c> (0 and 0 for a pretrained or loaded model).</summary>
    internal (int Rows, int Characters) TrainedOn { get; init; }

    /// <summary>The feature vector of one reading under <paramref name="pooling"/>.</summary>
    private static float[] Pool(CharRnnReading reading, CharRnnPooling pooling) => pooling switch
    {
        CharRnnPooling.Last => reading.Last,
        CharRnnPooling.Mean => reading.Mean,
        CharRnnPooling.Max => reading.Max,
        CharRnnPooling.Concatenated => [.. reading.Last, .. reading.Mean, .. reading.Max],
        _ => throw new ArgumentOutOfRangeException(nameof(pooling), pooling, null),
    };

    /// <summary><paramref name="features"/> scaled in place as <paramref name="normalization"/> says.</summary>
    private static float[] Normalize(float[] features, CharRnnNormalization normalization)
    {
        if (normalization == CharRnnNormalization.None) return features;
        double squares = 0;
        foreach (float f in features) squares += (double)f * f;
        if (squares > 0 && double.IsFinite(squares))
        {
            float scale = (float)(1 / Math.Sqrt(squares));
            for (int i = 0; i < features.Length; i++) features[i] *= scale;
        }
        return features;
    }

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        CharRnnSchema.RequireText(inputSchema, Columns.Input);
        return _mapping.GetOutputSchema(inputSchema);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _mapping.GetRowToRowMapper(inputSchema);

    /// <summary>
    /// The featurized view of <paramref name="input"/>. With <see cref="CharRnnOptions.CacheFeatures"/>, the same
    /// <paramref name="input"/> instance always gives the same cached view (for as long as the input is alive), whose
    /// rows are run through the RNN on the first pass only.
    /// </summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CharRnnSchema.RequireText(input.Schema, Columns.Input);
        if (!_options.CacheFeatures) return _mapping.Transform(input);
        if (_cached.TryGetValue(input, out var cached))
        {
            Interlocked.Increment(ref _cacheHits);
            return cached;
        }
        return _cached.GetValue(input, i => _plumbing.Data.Cache(_mapping.Transform(i)));
    }

    /// <summary>Not supported by ML.NET for external transformers (dotnet/machinelearning#4911): use <see cref="Save"/>.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException("CharRnnTransformer cannot be written into an ML.NET model zip (dotnet/machinelearning#4911): save the pipeline in one file with mlContext.Model.SaveWithCharRnn(model, schema, path) and load it with mlContext.Model.LoadWithCharRnn(path, out schema)");

    /// <summary>
    /// Writes the featurizer to <paramref name="path"/> (atomically) as a <see cref="SectionFile"/> of kind
    /// "char-rnn featurizer": the sections "featurizer/columns" and "featurizer/settings" (JSON) and the model's sections
    /// (<see cref="CharRnnModel.WriteTo"/>), then the SHA-256 of every byte before it, so <see cref="Load"/> refuses a
    /// damaged file instead of featurizing with it.
    /// </summary>
    public void Save(string path) => AtomicFile.Write(path, stream =>
    {
        var file = new SectionFileWriter(Kind);
        file.Add(ColumnsSection, writer => writer.Write(JsonSerializer.Serialize(Columns, JsonOptions)));
        file.Add(SettingsSection, writer => writer.Write(JsonSerializer.Serialize(_options, JsonOptions)));
        Model.WriteTo(file);
        file.WriteTo(stream);
    });

    /// <summary>
    /// Largest saved featurizer read (about 2 GiB, the largest array .NET holds; <see cref="Save"/> writes through one):
    /// the model's weights, its vocabulary and its settings. A larger file is refused by its length before it is read.
    /// </summary>
    public static long MaximumFileBytes => Array.MaxLength - 1;

    /// <summary>
    /// Reads a transformer written by <see cref="Save"/> (or by one of the three earlier versions, whose files began with
    /// "RNNPIPELINE-CHARRNN-TRANSFORMER-"): only a regular file within <see cref="MaximumFileBytes"/> (see
    /// <see cref="RegularFile"/>), checked against its SHA-256 (files of the two oldest versions have none) and field by
    /// field (columns, settings, activation, vocabulary and weight shapes) before anything is built from it.
    /// </summary>
    /// <exception cref="InputException">The file is missing, not a regular file, too large, not a saved char-RNN transformer, or damaged: the message names it.</exception>
    public static CharRnnTransformer Load(MLContext ml, string path)
    {
        ArgumentNullException.ThrowIfNull(ml);
        if (!File.Exists(path) && !Directory.Exists(path)) throw new InputException($"char-RNN model file '{path}' does not exist: save one with CharRnnTransformer.Save");
        byte[] bytes = RegularFile.ReadAllBytes(path, MaximumFileBytes, SaveAgain);
        string name = $"char-RNN model file '{Path.GetFullPath(path)}'";
        if (LegacyMagic(bytes) is { } magic) return LoadLegacy(bytes, magic, name);
        var file = SectionFileReader.Open(bytes, Kind, name, SaveAgain);
        T Json<T>(string section) where T : class
        {
            try
            {
                return file.Read(section, reader => JsonSerializer.Deserialize<T>(reader.ReadString(), JsonOptions))
                    ?? throw new InputException($"{name} is damaged (its section '{section}' is empty): {SaveAgain}");
            }
            catch (JsonException)
            {
                throw new InputException($"{name} is damaged (its section '{section}' is not the JSON it writes): {SaveAgain}");
            }
        }
        var (columns, options) = (Json<CharRnnColumns>(ColumnsSection), Json<CharRnnOptions>(SettingsSection));
        return Create(columns, options, CharRnnModel.ReadFrom(file, name), name);
    }

    /// <summary>The transformer of a saved file's columns, settings and model, once they are checked to belong together.</summary>
    private static CharRnnTransformer Create(CharRnnColumns columns, CharRnnOptions options, CharRnnModel model, string name)
    {
        try
        {
            Validate(columns, options, name, SaveAgain);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        if (model.Activation == options.Run.Model.Activation && model.HiddenSize == options.Run.Model.HiddenSize)
            return new CharRnnTransformer(columns, options, model, new RunRecording(RunInfo.For("mlnet", options.Run)));
        model.Dispose();
        throw new InputException($"{name} is damaged: its model ({model.Activation}, H={model.HiddenSize}) is not the one its settings describe: {SaveAgain}");
    }

    /// <summary>Checks the settings and columns read from a saved file, as the estimator checks what a caller gives.</summary>
    private static void Validate(CharRnnColumns columns, CharRnnOptions options, string name, string fix)
    {
        if (string.IsNullOrEmpty(columns.Input) || string.IsNullOrEmpty(columns.Features) || string.IsNullOrEmpty(columns.BitsPerChar) || options.Run is null)
            throw new InputException($"{name} is damaged (a column name or the run settings are missing): {fix}");
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InputException($"{name} is damaged ({e.Message.TrimEnd('.')}): {fix}");
        }
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
