using Microsoft.ML;
using Microsoft.ML.Runtime;

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
        var columns = new CharRnnColumns(inputColumnName ?? outputColumnName, outputColumnName, bitsPerCharColumnName ?? outputColumnName + "BitsPerChar");
        return new CharRnnEstimator(Environment(catalog), columns, options ?? new CharRnnOptions());
    }

    /// <summary>
    /// The catalog's environment, so that the featurizer logs to the caller's <c>MLContext.Log</c>. ML.NET exposes it
    /// only through its internal IInternalCatalog interface (third-party catalogs have no public accessor); without it
    /// the featurizer logs to a private context.
    /// </summary>
    private static IHostEnvironment Environment(TransformsCatalog.TextTransforms catalog) =>
        catalog.GetType().GetInterfaces().FirstOrDefault(i => i.Name == "IInternalCatalog")?.GetProperty("Environment")?.GetValue(catalog) as IHostEnvironment
        ?? new MLContext();
}
