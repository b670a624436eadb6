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

    private CharCorpus(Vocabulary vocabulary, long[] train, long[] validation)
    {
        Vocabulary = vocabulary;
        Train = train;
        Validation = validation;
    }

    /// <summary>Encodes <paramref name="text"/> and splits it for <paramref name="spec"/>.</summary>
    /// <exception cref="InputException">A split is shorter than one window plus one character.</exception>
    public static CharCorpus FromText(string text, RunSpec spec, Vocabulary? vocabulary = null)
    {
        vocabulary ??= Vocabulary.Build(text);
        long[] ids = vocabulary.Encode(text);
        int validation = (int)(ids.Length * spec.Corpus.ValidationFraction);
        int window = spec.Training.WindowLength;
        if (validation < window + 1 || ids.Length - validation < window + 1)
            throw new InputException(
                $"run '{spec.Name}': the text has {ids.Length} characters, too few for Training.WindowLength {window} and Corpus.ValidationFraction {spec.Corpus.ValidationFraction}: use a longer text or a shorter window");
        return new CharCorpus(vocabulary, ids[..^validation], ids[^validation..]);
    }
}
