using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using RnnPipeline.IO;

namespace RnnPipeline.MLNet.CharRnn;

/// <summary>
/// One file for a fitted pipeline that holds char-RNN featurizers. ML.NET's model-saving contract (<c>LoadableClass</c>,
/// the writers of <c>ModelSaveContext</c>, <c>ModelLoadContext</c>) is internal to Microsoft.ML, so
/// <c>mlContext.Model.Save</c> cannot write a transformer of another library (dotnet/machinelearning#4911). These two
/// calls stand beside it: <see cref="SaveWithCharRnn"/> writes one zip whose parts are, in pipeline order, ML.NET's own
/// model zips (written by <c>mlContext.Model.Save</c>, with the schema at their input) and the featurizers' files
/// (written by <see cref="CharRnnTransformer.Save"/>); <see cref="LoadWithCharRnn"/> reads them back into one chain
/// that gives the same outputs, in any process.
/// </summary>
public static class CharRnnModelFile
{
    private const string Format = "RNNPIPELINE-MODEL-1";
    private const string ManifestEntry = "rnnpipeline-model.txt";
    private const string SchemaEntry = "input-schema.zip";
    private const string Fix = "save the model again with mlContext.Model.SaveWithCharRnn";

    /// <summary>
    /// Writes <paramref name="model"/> (a chain from <c>Fit</c>, with char-RNN featurizers anywhere in it) and the
    /// <paramref name="inputSchema"/> it expects to one file at <paramref name="path"/>, whole or not at all: it is
    /// written beside the target and renamed over it only when complete, so a failure leaves an earlier file as it was
    /// and no partial one.
    /// </summary>
    /// <exception cref="NotSupportedException">A transformer of the chain can be saved neither by ML.NET nor as a char-RNN featurizer.</exception>
    public static void SaveWithCharRnn(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            using (var entry = zip.CreateEntry(SchemaEntry).Open())
                entry.Write(MLNetModel(catalog, new TransformerChain<ITransformer>(), inputSchema));   // ML.NET keeps the schema
            var names = new List<string>();
            var schema = inputSchema;
            foreach (var part in Parts(model))
            {
                string name = $"part-{names.Count}{(part is CharRnnTransformer ? ".charrnn" : ".zip")}";
                using (var entry = zip.CreateEntry(name).Open())
                {
                    if (part is CharRnnTransformer charRnn) WriteFeaturizer(charRnn, entry);
                    else entry.Write(MLNetModel(catalog, part, schema));
                }
                schema = part.GetOutputSchema(schema);
                names.Add(name);
            }
            using var manifest = new StreamWriter(zip.CreateEntry(ManifestEntry).Open());
            manifest.Write(string.Join('\n', [Format, .. names]));
        });
    }

    /// <summary>
    /// Reads a file written by <see cref="SaveWithCharRnn"/>: the chain, and in <paramref name="inputSchema"/> the schema
    /// it expects. Dispose the chain's char-RNN transformers when done (they hold native memory).
    /// </summary>
    /// <exception cref="InputException">The file is missing, damaged, or was not written by <see cref="SaveWithCharRnn"/> (the message names it and the fix).</exception>
    public static TransformerChain<ITransformer> LoadWithCharRnn(this ModelOperationsCatalog catalog, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new InputException($"model file '{path}' does not exist: {Fix}");
        var parts = new List<ITransformer>();
        try
        {
            using var zip = ZipFile.OpenRead(path);
            string[] manifest = ReadManifest(zip, path);
            using (var schemaStream = Seekable(Entry(zip, SchemaEntry, path)))
                catalog.Load(schemaStream, out inputSchema);
            foreach (string name in manifest.Skip(1))
            {
                using var part = Seekable(Entry(zip, name, path));
                parts.Add(name.EndsWith(".charrnn", StringComparison.Ordinal) ? ReadFeaturizer(part, path, name) : catalog.Load(part, out _));
            }
            return new TransformerChain<ITransformer>([.. parts]);
        }
        catch (Exception e)
        {
            foreach (var part in parts.OfType<IDisposable>()) part.Dispose();
            if (e is InvalidDataException or EndOfStreamException or FormatException or InvalidOperationException)
                throw new InputException($"'{path}' is truncated or damaged ({e.Message}): {Fix}");
            throw;
        }
    }

    /// <summary>An ML.NET model zip of <paramref name="part"/> with the schema at its input, as <c>mlContext.Model.Save</c> writes it.</summary>
    private static byte[] MLNetModel(ModelOperationsCatalog catalog, ITransformer part, DataViewSchema schema)
    {
        using var buffer = new MemoryStream();
        catalog.Save(part, schema, buffer);
        return buffer.ToArray();
    }

    /// <summary>The transformers of <paramref name="model"/> in order, nested chains flattened.</summary>
    private static IEnumerable<ITransformer> Parts(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Parts) : [model];

    private static string[] ReadManifest(ZipArchive zip, string path)
    {
        using var reader = new StreamReader(Entry(zip, ManifestEntry, path));
        string[] lines = reader.ReadToEnd().Split('\n');
        if (lines[0] != Format) throw new InputException($"'{path}' is not a model saved with SaveWithCharRnn (or by another version): {Fix}");
        return lines;
    }

    private static Stream Entry(ZipArchive zip, string name, string path) =>
        (zip.GetEntry(name) ?? throw new InputException($"'{path}' lacks its part '{name}': the file is damaged or not a model saved with SaveWithCharRnn: {Fix}")).Open();

    /// <summary>A zip entry's content in memory (ML.NET reads models from seekable streams).</summary>
    private static MemoryStream Seekable(Stream entry)
    {
        using (entry)
        {
            var copy = new MemoryStream();
            entry.CopyTo(copy);
            copy.Position = 0;
            return copy;
        }
    }

    /// <summary>The featurizer's own file format, through its own writer (a scratch file beside nothing else).</summary>
    private static void WriteFeaturizer(CharRnnTransformer charRnn, Stream entry)
    {
        string scratch = Path.Combine(Directory.CreateTempSubdirectory("rnnpipeline-save-").FullName, "charrnn.bin");
        try
        {
            charRnn.Save(scratch);
            using var file = File.OpenRead(scratch);
            file.CopyTo(entry);
        }
        finally { Directory.Delete(Path.GetDirectoryName(scratch)!, recursive: true); }
    }

    /// <summary>A featurizer part through the featurizer's own reader; its errors name the model file and the part.</summary>
    private static CharRnnTransformer ReadFeaturizer(Stream part, string path, string name)
    {
        string scratch = Path.Combine(Directory.CreateTempSubdirectory("rnnpipeline-load-").FullName, "charrnn.bin");
        try
        {
            using (var file = File.Create(scratch)) part.CopyTo(file);
            return CharRnnTransformer.Load(new MLContext(), scratch);
        }
        catch (InputException e)
        {
            throw new InputException($"'{path}' holds a damaged char-RNN featurizer ('{name}': {e.Message.Replace(scratch, name, StringComparison.Ordinal)}): {Fix}");
        }
        finally { Directory.Delete(Path.GetDirectoryName(scratch)!, recursive: true); }
    }
}
