using System.Text;
using RnnPipeline.Options;

namespace RnnPipeline.Probes;

/// <summary>
/// Deterministic generators of character-level long-range dependency probes.
/// Each episode has a lag k from <see cref="CorpusOptions.Lags"/> and a key drawn uniformly from the candidates;
/// the filler between key and dependent character is drawn independently of the key, so the dependent character is
/// determined only by the key k characters back (no leakage).
/// <list type="bullet">
/// <item>Delayed recall: <c>K f…f &gt; K ⏎</c> — key K (one of up to 26 capitals), k−2 filler characters, the cue '&gt;', then K again at distance k.</item>
/// <item>Bracket matching: <c>( w…w ) ⏎</c> — an opener (one of up to 8), k−1 filler characters, the matching closer at distance k.</item>
/// </list>
/// The filler (<see cref="CorpusOptions.Filler"/>) is random digits (recall) or lower-case letters (brackets), or one
/// blank character '.' repeated.
/// </summary>
public static class ProbeTextGenerator
{
    private const string RecallKeys = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Openers = "([{<\"'«|";
    private const string Closers = ")]}>\"'»|";

    /// <summary>Smallest lag each generator supports.</summary>
    public static int MinimumLag(CorpusKind kind) => kind == CorpusKind.DelayedRecall ? 2 : 1;

    /// <summary>Largest <see cref="CorpusOptions.KeyCount"/> each generator supports.</summary>
    public static int MaximumKeys(CorpusKind kind) => kind == CorpusKind.DelayedRecall ? RecallKeys.Length : Openers.Length;

    /// <summary>
    /// Training text: episodes with a lag drawn uniformly from the lags, until the text reaches
    /// <see cref="CorpusOptions.GeneratedLength"/>. With <see cref="CorpusOptions.Episodes"/> every episode has the one
    /// lag k and no newline, so episode i is the k + 1 characters from i·(k + 1) (<see cref="EpisodeLength"/>).
    /// </summary>
    /// <exception cref="InputException">The kind is not a probe, or a lag or the key count is out of range.</exception>
    public static ProbeCorpus Generate(CorpusOptions options, int seed)
    {
        Validate(options);
        var random = new Random(seed);
        var text = new StringBuilder(options.GeneratedLength + 2 * options.Lags.Max());
        var targets = new List<ProbeTarget>();
        while (text.Length < options.GeneratedLength)
            targets.Add(AppendEpisode(text, options, options.Lags[random.Next(options.Lags.Length)], random));
        return new ProbeCorpus(text.ToString(), Answers(options), targets);
    }

    /// <summary>Characters of one episode of lag <paramref name="lag"/> with <see cref="CorpusOptions.Episodes"/>: key, gap, dependent.</summary>
    public static int EpisodeLength(int lag) => lag + 1;

    /// <summary>
    /// Evaluation episodes for <see cref="CorpusOptions.Episodes"/> runs, independent of the training text: exactly
    /// <paramref name="count"/> episodes of the run's lag, one per text, each to be read from h = 0.
    /// </summary>
    /// <exception cref="InputException">The options are not a one-lag episode probe.</exception>
    public static IReadOnlyList<ProbeCorpus> GenerateEpisodes(CorpusOptions options, int seed, int count)
    {
        Validate(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var random = new Random(seed);
        string answers = Answers(options);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var text = new StringBuilder(EpisodeLength(options.Lags[0]));
            var target = AppendEpisode(text, options, options.Lags[0], random);
            return new ProbeCorpus(text.ToString(), answers, [target]);
        }).ToArray();
    }

    /// <summary>
    /// Evaluation text, independent of the training text: exactly <paramref name="samplesPerLag"/> episodes of every lag
    /// in random order, dealt to <paramref name="streams"/> separate texts (greedily to the shortest, so they can be read
    /// as one batch). Each text opens with one unscored warm-up episode of the shortest lag, so scored episodes follow a
    /// newline as in training; only the scored dependents are in <see cref="ProbeCorpus.Targets"/>.
    /// </summary>
    /// <exception cref="InputException">The kind is not a probe, or a lag or the key count is out of range.</exception>
    public static IReadOnlyList<ProbeCorpus> GenerateEvaluation(CorpusOptions options, int seed, int samplesPerLag, int streams)
    {
        Validate(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samplesPerLag);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(streams);
        var random = new Random(seed);
        int[] lags = options.Lags.Distinct().SelectMany(lag => Enumerable.Repeat(lag, samplesPerLag)).ToArray();
        random.Shuffle(lags);
        int count = Math.Min(streams, lags.Length);
        var texts = Enumerable.Range(0, count).Select(_ => new StringBuilder()).ToArray();
        var targets = Enumerable.Range(0, count).Select(_ => new List<ProbeTarget>()).ToArray();
        foreach (var text in texts) AppendEpisode(text, options, options.Lags.Min(), random);
        foreach (int lag in lags)
        {
            int shortest = 0;
            for (int s = 1; s < count; s++)
                if (texts[s].Length < texts[shortest].Length) shortest = s;
            targets[shortest].Add(AppendEpisode(texts[shortest], options, lag, random));
        }
        string answers = Answers(options);
        return texts.Select((t, s) => new ProbeCorpus(t.ToString(), answers, targets[s])).ToArray();
    }

    /// <summary>Largest evaluation text a run may ask for (characters, all streams): ~80 MB of UTF-16 at most.</summary>
    public const long MaximumEvaluationLength = 40_000_000;

    /// <summary>Characters of the evaluation text of <paramref name="options"/> with <paramref name="samplesPerLag"/> dependents per lag.</summary>
    public static long EvaluationLength(CorpusOptions options, int samplesPerLag) =>
        (long)samplesPerLag * options.Lags.Distinct().Sum(lag => (long)lag + 2);

    /// <summary>One-line problem with <see cref="CorpusOptions.Episodes"/> settings, or null when they are usable.</summary>
    public static string? EpisodeProblem(CorpusOptions options) =>
        !options.Episodes ? null
        : options.Kind is not (CorpusKind.DelayedRecall or CorpusKind.BracketMatching) ? $"Corpus.Episodes needs a generated probe Corpus.Kind (DelayedRecall or BracketMatching), not {options.Kind}"
        : options.Lags.Length != 1 ? $"Corpus.Episodes trains one lag per run but Corpus.Lags lists {options.Lags.Length}: give one lag, or list them in Grid.Lags"
        : options.Loss != ProbeLoss.Dependents ? "Corpus.Episodes trains the dependent only: set Corpus.Loss to Dependents"
        : null;

    /// <summary>
    /// Seed of the evaluation text of a run trained with <paramref name="runSeed"/>: a fixed scramble, so the two texts
    /// are independent draws and reruns evaluate on the same text.
    /// </summary>
    public static int EvaluationSeed(int runSeed)
    {
        int seed = unchecked((int)((uint)runSeed * 0x9E3779B1u ^ 0x5EEDE7A1u));
        return seed == runSeed ? seed + 1 : seed;
    }

    private static void Validate(CorpusOptions options)
    {
        if (options.Kind is not (CorpusKind.DelayedRecall or CorpusKind.BracketMatching))
            throw new InputException($"Corpus.Kind {options.Kind} is not a generated probe: use DelayedRecall or BracketMatching");
        if (options.Lags.Length == 0)
            throw new InputException("Corpus.Lags is empty: list at least one dependency lag, e.g. [2, 4, 8]");
        int minLag = MinimumLag(options.Kind);
        foreach (int lag in options.Lags)
            if (lag < minLag || lag > options.GeneratedLength / 4)
                throw new InputException($"Corpus.Lags contains {lag}: each lag must be between {minLag} and GeneratedLength/4 ({options.GeneratedLength / 4})");
        if (EpisodeProblem(options) is { } problem) throw new InputException(problem);
        int maxKeys = MaximumKeys(options.Kind);
        if (options.KeyCount < 2 || options.KeyCount > maxKeys)
            throw new InputException($"Corpus.KeyCount is {options.KeyCount}: use 2 to {maxKeys} for {options.Kind}");
    }

    private static string Keys(CorpusOptions options) => (options.Kind == CorpusKind.DelayedRecall ? RecallKeys : Openers)[..options.KeyCount];

    private static string Answers(CorpusOptions options) => (options.Kind == CorpusKind.DelayedRecall ? RecallKeys : Closers)[..options.KeyCount];

    private static ProbeTarget AppendEpisode(StringBuilder text, CorpusOptions options, int lag, Random random)
    {
        string keys = Keys(options), answers = Answers(options);
        int key = random.Next(keys.Length);
        int start = text.Length;
        text.Append(keys[key]);
        bool recall = options.Kind == CorpusKind.DelayedRecall;
        for (int i = 0; i < (recall ? lag - 2 : lag - 1); i++)
            text.Append(options.Filler == ProbeFiller.Blank ? '.' : recall ? (char)('0' + random.Next(10)) : (char)('a' + random.Next(26)));
        if (recall) text.Append('>');
        text.Append(answers[key]);
        if (!options.Episodes) text.Append('\n');
        return new ProbeTarget(start + lag, answers[key], lag);
    }
}
