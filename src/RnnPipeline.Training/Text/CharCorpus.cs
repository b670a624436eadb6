using RnnPipeline.Options;

namespace RnnPipeline.Training.Text;

/// <summary>An encoded text split into a training part and a validation part (the last <see cref="CorpusOptions.ValidationFraction"/>).</summary>
public sealed class CharCorpus
{
    /// <summary>Character map built from the whole text.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>Training character indices.</summary>
    public long[] Train { get; }

    /// <summary>Validation character indices.</summary>
    public long[] Validation { get; }

    /// <summary>
    /// Weight of the loss of predicting each training character (index i weighs the prediction of Train[i]), or null
    /// when every character counts the same.
    /// </summary>
    public float[]? TrainWeights { get; }

    private CharCorpus(Vocabulary vocabulary, long[] train, long[] validation, float[]? trainWeights)
    {
        Vocabulary = vocabulary;
        Train = train;
        Validation = validation;
        TrainWeights = trainWeights;
    }

    /// <summary>
    /// Encodes <paramref name="text"/> and splits it for <paramref name="spec"/>. With <paramref name="scored"/>, the
    /// training loss counts only the characters at those text positions (<see cref="TrainWeights"/>).
    /// </summary>
    /// <exception cref="InputException">A split is shorter than one window plus one character.</exception>
    public static CharCorpus FromText(string text, RunSpec spec, Vocabulary? vocabulary = null, IEnumerable<int>? scored = null)
    {
        vocabulary ??= Vocabulary.Build(text);
        long[] ids = vocabulary.Encode(text);
        int validation = (int)(ids.Length * spec.Corpus.ValidationFraction);
        int window = spec.Training.WindowLength;
        if (validation < window + 1 || ids.Length - validation < window + 1)
            throw new InputException(
                $"run '{spec.Name}': the text has {ids.Length} characters, too few for Training.WindowLength {window} and Corpus.ValidationFraction {spec.Corpus.ValidationFraction}: use a longer text or a shorter window");
        float[]? weights = null;
        if (scored is not null)
        {
            weights = new float[ids.Length - validation];
            foreach (int position in scored)
                if (position < weights.Length) weights[position] = 1;
        }
        return new CharCorpus(vocabulary, ids[..^validation], ids[^validation..], weights);
    }
}
