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

    /// <summary>The same weights for the validation characters (validation counts what training counts), or null.</summary>
    public float[]? ValidationWeights { get; }

    /// <summary>Characters per episode when the text is a sequence of one-lag episodes (<see cref="CorpusOptions.Episodes"/>), else 0.</summary>
    public int EpisodeLength { get; }

    private CharCorpus(Vocabulary vocabulary, long[] train, long[] validation, float[]? trainWeights, float[]? validationWeights, int episodeLength)
    {
        Vocabulary = vocabulary;
        Train = train;
        Validation = validation;
        TrainWeights = trainWeights;
        ValidationWeights = validationWeights;
        EpisodeLength = episodeLength;
    }

    /// <summary>The windows a step of <paramref name="spec"/> reads from <paramref name="text"/> (<see cref="Train"/> or <see cref="Validation"/>).</summary>
    public WindowStream Windows(long[] text, RunSpec spec) => EpisodeLength > 0
        ? WindowStream.OfEpisodes(text, spec.Training.BatchSize, EpisodeLength)
        : new WindowStream(text, spec.Training.BatchSize, spec.Training.WindowLength);

    /// <summary>
    /// Encodes <paramref name="text"/> and splits it for <paramref name="spec"/>. With <paramref name="scored"/>, the
    /// training loss counts only the characters at those text positions (<see cref="TrainWeights"/>).
    /// </summary>
    /// <exception cref="InputException">A split is shorter than one window plus one character.</exception>
    public static CharCorpus FromText(string text, RunSpec spec, Vocabulary? vocabulary = null, IEnumerable<int>? scored = null)
    {
        vocabulary ??= Vocabulary.Build(text);
        long[] ids = vocabulary.Encode(text);
        int episode = spec.Corpus.Episodes ? Probes.ProbeTextGenerator.EpisodeLength(spec.SequenceLength) : 0;
        int validation = (int)(ids.Length * spec.Corpus.ValidationFraction);
        if (episode > 0) validation = ids.Length - (ids.Length - validation) / episode * episode;   // split between episodes
        int window = spec.SequenceLength;
        if (validation < window + 1 || ids.Length - validation < window + 1)
            throw new InputException(
                $"run '{spec.Name}': the text has {ids.Length} characters, too few for Training.WindowLength {window} and Corpus.ValidationFraction {spec.Corpus.ValidationFraction}: use a longer text or a shorter window");
        float[]? weights = null;
        if (scored is not null)
        {
            weights = new float[ids.Length];
            foreach (int position in scored)
                if (position < weights.Length) weights[position] = 1;
        }
        int split = ids.Length - validation;
        return new CharCorpus(vocabulary, ids[..split], ids[split..], weights?[..split], weights?[split..], episode);
    }
}
