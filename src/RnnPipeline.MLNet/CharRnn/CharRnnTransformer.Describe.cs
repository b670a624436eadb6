namespace RnnPipeline.MLNet.CharRnn;

public sealed partial class CharRnnTransformer
{
    /// <summary>
    /// What the featurizer did on the ML.NET side, in one paragraph beginning "ML.NET side:": the rows and characters it
    /// trained on, its vocabulary, its features (pooling and normalization), the rows run through the RNN since the fit
    /// and the feature cache. The report of a fit (RnnPipeline.MLNet.Reporting) shows it under the training records.
    /// </summary>
    public string Describe()
    {
        string characters = string.Concat(Model.Characters.Skip(1).Select(c => char.IsWhiteSpace(c) || char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        int length = CharRnnSchema.FeatureLength(_options.Pooling, Model.HiddenSize);
        return $"ML.NET side: trained on {TrainedOn.Rows} rows ({TrainedOn.Characters} characters) of column '{Columns.Input}'; "
            + $"vocabulary of {Model.Characters.Length - 1} characters and the unknown symbol ({characters}); "
            + $"'{Columns.Features}' holds {length} features ({_options.Pooling} pooling, {_options.Normalization} normalization) and "
            + $"'{Columns.BitsPerChar}' the bits per character; "
            + $"{RowsRead} rows run through the RNN since the fit; feature cache {(_options.CacheFeatures ? $"on, {CacheHits} passes served from it" : "off")}.";
    }
}
