using Microsoft.ML;
using Microsoft.ML.Runtime;
using RnnPipeline.Diagnostics;
using RnnPipeline.Training;

namespace RnnPipeline.MLNet.CharRnn;

/// <summary>The char-RNN featurizer in ML.NET's text transforms catalog: <c>ml.Transforms.Text.FeaturizeCharRnn(...)</c>.</summary>
public static class CharRnnCatalog
{
    /// <summary>
    /// An estimator that trains a character RNN language model on the text column <paramref name="inputColumnName"/>
    /// (rows joined by newlines) and maps each row to <paramref name="outputColumnName"/>, a known-size
    /// Vector&lt;Single&gt; of the row's pooled hidden states (see <see cref="CharRnnOptions.Pooling"/>), and to
    /// <paramref name="bitsPerCharColumnName"/>, the model's bits per character on the row (Single).
    /// </summary>
    /// <param name="catalog">The text transforms catalog (<c>mlContext.Transforms.Text</c>).</param>
    /// <param name="outputColumnName">Name of the feature vector column.</param>
    /// <param name="inputColumnName">Name of the text column; null uses <paramref name="outputColumnName"/>.</param>
    /// <param name="options">Training and featurizing settings (copied and validated here); null uses the defaults.</param>
    /// <param name="bitsPerCharColumnName">Name of the bits-per-character column; null uses <paramref name="outputColumnName"/> + "BitsPerChar".</param>
    /// <exception cref="ArgumentException">A column name is empty, or a setting of <paramref name="options"/> breaks its rule.</exception>
    public static CharRnnEstimator FeaturizeCharRnn(this TransformsCatalog.TextTransforms catalog, string outputColumnName,
        string? inputColumnName = null, CharRnnOptions? options = null, string? bitsPerCharColumnName = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        return new CharRnnEstimator(Environment(catalog), Columns(outputColumnName, inputColumnName, bitsPerCharColumnName), options ?? new CharRnnOptions());
    }

    /// <summary>
    /// An estimator that featurizes with a pretrained char-RNN and trains nothing: its <c>Fit</c> only checks the input's
    /// schema, so the model is the same whatever rows the pipeline is fitted on. <paramref name="path"/> is a worker run
    /// folder (its <c>run.json</c> and <c>checkpoint.bin</c>, both checked against the folder's <c>SHA256SUMS</c>; its
    /// <c>data/</c> becomes the transformer's <see cref="CharRnnTransformer.Diagnostics"/>) or a file written by
    /// <see cref="CharRnnTransformer.Save"/>. Loaded and checked here, so a bad path fails when the pipeline is built: a
    /// failed run and a <c>data/</c> of another run are refused; a run that is unfinished (cancelled, so its checkpoint
    /// holds the weights of its last saved step) is applied with a warning on <c>MLContext.Log</c> when the estimator is fitted.
    /// </summary>
    /// <param name="catalog">The text transforms catalog (<c>mlContext.Transforms.Text</c>).</param>
    /// <param name="path">A worker run folder or a saved featurizer file.</param>
    /// <param name="outputColumnName">Name of the feature vector column.</param>
    /// <param name="inputColumnName">Name of the text column; null uses <paramref name="outputColumnName"/>.</param>
    /// <param name="options">
    /// Featurizing settings (<see cref="CharRnnOptions.Pooling"/>, <see cref="CharRnnOptions.Normalization"/>,
    /// <see cref="CharRnnOptions.CacheFeatures"/>; the training settings are the model's own); null uses a saved
    /// featurizer's settings, or the defaults for a run folder.
    /// </param>
    /// <param name="bitsPerCharColumnName">Name of the bits-per-character column; null uses <paramref name="outputColumnName"/> + "BitsPerChar".</param>
    /// <exception cref="InputException">Nothing is at <paramref name="path"/>, or a file there is missing, damaged or foreign (the message names it and the fix).</exception>
    public static CharRnnEstimator ApplyCharRnn(this TransformsCatalog.TextTransforms catalog, string path, string outputColumnName,
        string? inputColumnName = null, CharRnnOptions? options = null, string? bitsPerCharColumnName = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        var environment = Environment(catalog);
        var pretrained = CharRnnPretrained.Load(new MLContext(), path);
        return new CharRnnEstimator(environment, Columns(outputColumnName, inputColumnName, bitsPerCharColumnName), options ?? pretrained.SavedOptions ?? new CharRnnOptions(), pretrained);
    }

    /// <summary>
    /// An estimator that featurizes with <paramref name="model"/> (copied here: dispose yours when you like) and trains
    /// nothing: its <c>Fit</c> only checks the input's schema. E.g. <c>ApplyCharRnn(fitted.Model, ...)</c> reuses the
    /// model of a featurizer fitted on another (larger, unlabelled) text.
    /// </summary>
    /// <param name="catalog">The text transforms catalog (<c>mlContext.Transforms.Text</c>).</param>
    /// <param name="model">The trained model.</param>
    /// <param name="outputColumnName">Name of the feature vector column.</param>
    /// <param name="inputColumnName">Name of the text column; null uses <paramref name="outputColumnName"/>.</param>
    /// <param name="options">Featurizing settings (pooling, normalization, cache); null uses the defaults.</param>
    /// <param name="bitsPerCharColumnName">Name of the bits-per-character column; null uses <paramref name="outputColumnName"/> + "BitsPerChar".</param>
    public static CharRnnEstimator ApplyCharRnn(this TransformsCatalog.TextTransforms catalog, CharRnnModel model, string outputColumnName,
        string? inputColumnName = null, CharRnnOptions? options = null, string? bitsPerCharColumnName = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        options ??= new CharRnnOptions();
        options.Validate(trains: false);
        var spec = options.Run.Clone();
        spec.Name = "pretrained";
        spec.Model.HiddenSize = model.HiddenSize;
        spec.Model.Activation = model.Activation;
        spec.Model.Cell = model.Cell;
        var pretrained = new CharRnnPretrained(model.Clone(), spec, new RunRecording(RunInfo.For("pretrained", spec)), null);
        return new CharRnnEstimator(Environment(catalog), Columns(outputColumnName, inputColumnName, bitsPerCharColumnName), options, pretrained);
    }

    private static CharRnnColumns Columns(string output, string? input, string? bitsPerChar) =>
        new(input ?? output, output, bitsPerChar ?? output + "BitsPerChar");

    /// <summary>
    /// The catalog's environment, so that the featurizer logs to the caller's <c>MLContext.Log</c>. ML.NET exposes it
    /// only through its internal IInternalCatalog interface (third-party catalogs have no public accessor); without it
    /// the featurizer logs to a private context.
    /// </summary>
    private static IHostEnvironment Environment(TransformsCatalog.TextTransforms catalog) =>
        catalog.GetType().GetInterfaces().FirstOrDefault(i => i.Name == "IInternalCatalog")?.GetProperty("Environment")?.GetValue(catalog) as IHostEnvironment
        ?? new MLContext();
}
