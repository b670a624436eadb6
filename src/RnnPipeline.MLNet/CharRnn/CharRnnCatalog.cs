using Microsoft.ML;

namespace RnnPipeline.MLNet.CharRnn;

/// <summary>Creates the char-RNN featurizer from an <see cref="MLContext"/>, in the style of ML.NET's catalogs.</summary>
public static class CharRnnCatalog
{
    /// <summary>
    /// An estimator that trains a character RNN on <see cref="CharRnnOptions.InputColumnName"/> and featurizes each row.
    /// </summary>
    public static CharRnnEstimator CharRnnFeaturizer(this MLContext ml, CharRnnOptions? options = null) =>
        new(ml, options ?? new CharRnnOptions());
}
