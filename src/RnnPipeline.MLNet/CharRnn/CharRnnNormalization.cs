namespace RnnPipeline.MLNet.CharRnn;

/// <summary>How a row's pooled feature vector is scaled before it leaves the featurizer.</summary>
public enum CharRnnNormalization
{
    /// <summary>As pooled: each component in [−1, 1] for tanh units, unbounded for ReLU.</summary>
    None,
    /// <summary>
    /// Divided by its Euclidean length (a zero vector stays zero), as ML.NET's FeaturizeText scales its n-gram vectors,
    /// so that concatenated with them the char-RNN block carries the same weight as each n-gram block instead of
    /// swamping it (docs/mlnet.md, "Features that add").
    /// </summary>
    UnitLength,
}
