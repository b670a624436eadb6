using System.Text;
using RnnPipeline.Options;

namespace RnnPipeline.Probes;

/// <summary>
/// Deterministic generators of character-level long-range dependency probes.
/// Each episode picks a lag k uniformly from <see cref="CorpusOptions.Lags"/> and a key uniformly from the candidates;
/// the filler between key and dependent character is drawn independently of the key, so the dependent character is
/// determined only by the key k characters back (no leakage).
/// <list type="bullet">
/// <item>Delayed recall: <c>K f…f &gt; K ⏎</c> — key K, k−2 random digits, the cue '&gt;', then K again at distance k.</item>
/// <item>Bracket matching: <c>( w…w ) ⏎</c> — an opener, k−1 random lower-case letters, the matching closer at distance k.</item>
/// </list>
/// </summary>
public static class ProbeTextGenerator
{
    private const string RecallKeys = "ABCDEFGH";
    private const string Openers = "([{<\"'«|";
    private const string Closers = ")]}>\"'»|";

    /// <summary>Smallest lag each generator supports.</summary>
    public static int MinimumLag(CorpusKind kind) => kind == CorpusKind.DelayedRecall ? 2 : 1;

    /// <summary>Generates the probe text of <paramref name="options"/> with <paramref name="seed"/>.</summary>
    /// <exception cref="InputException">The kind is not a probe, or a lag or the key count is out of range.</exception>
    public static ProbeCorpus Generate(CorpusOptions options, int seed)
    {
        if (options.Kind is not (CorpusKind.DelayedRecall or CorpusKind.BracketMatching))
            throw new InputException($"Corpus.Kind {options.Kind} is not a generated probe: use DelayedRecall or BracketMatching");
        if (options.Lags.Length == 0)
            throw new InputException("Corpus.Lags is empty: list at least one dependency lag, e.g. [2, 4, 8]");
        int minLag = MinimumLag(options.Kind);
        foreach (int lag in options.Lags)
            if (lag < minLag || lag > options.GeneratedLength / 4)
                throw new InputException($"Corpus.Lags contains {lag}: each lag must be between {minLag} and GeneratedLength/4 ({options.GeneratedLength / 4})");
        if (options.KeyCount < 2 || options.KeyCount > RecallKeys.Length)
            throw new InputException($"Corpus.KeyCount is {options.KeyCount}: use 2 to {RecallKeys.Length}");

        bool recall = options.Kind == CorpusKind.DelayedRecall;
        string keys = recall ? RecallKeys[..options.KeyCount] : Openers[..options.KeyCount];
        string answers = recall ? keys : Closers[..options.KeyCount];
        var random = new Random(seed);
        var text = new StringBuilder(options.GeneratedLength + 2 * options.Lags.Max());
        var targets = new List<ProbeTarget>();
        while (text.Length < options.GeneratedLength)
        {
            int lag = options.Lags[random.Next(options.Lags.Length)];
            int key = random.Next(keys.Length);
            int start = text.Length;
            text.Append(keys[key]);
            if (recall)
            {
                for (int i = 0; i < lag - 2; i++) text.Append((char)('0' + random.Next(10)));
                text.Append('>');
            }
            else
            {
                for (int i = 0; i < lag - 1; i++) text.Append((char)('a' + random.Next(26)));
            }
            targets.Add(new ProbeTarget(start + lag, answers[key], lag));
            text.Append(answers[key]).Append('\n');
        }
        return new ProbeCorpus(text.ToString(), answers, targets);
    }
}
