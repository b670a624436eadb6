using System.Text;
using RnnPipeline.Training.Text;

namespace RnnPipeline.MLNet.CharRnn;

/// <summary>
/// How the featurizer treats characters. Training: characters rarer than <see cref="CharRnnOptions.MinCharacterCount"/>
/// become <see cref="Vocabulary.Unknown"/>, so that symbol is trained on real contexts (as rare words become UNK in word
/// models). Featurizing: a character the model has not seen is folded to a known one where one is equivalent — any
/// whitespace to a known space, a letter to its other case — and otherwise to the unknown symbol; a surrogate pair (an
/// emoji, a rare CJK ideograph) is one character, so it becomes one unknown symbol. (Accents are not stripped: that needs
/// Unicode normalization data, which hosts in globalization-invariant mode lack, and the result must not depend on the host.)
/// </summary>
internal static class CharRnnText
{
    /// <summary>The rows joined by newlines, with characters rarer than <paramref name="minCount"/> replaced by the unknown symbol.</summary>
    public static string TrainingText(IReadOnlyList<string> rows, int minCount)
    {
        string text = string.Join('\n', rows);
        if (minCount <= 1) return text;
        var counts = new Dictionary<char, int>();
        foreach (char c in text) counts[c] = counts.GetValueOrDefault(c) + 1;
        var rare = counts.Where(p => p.Value < minCount && p.Key != '\n').Select(p => p.Key).ToHashSet();
        if (rare.Count == 0) return text;
        var builder = new StringBuilder(text.Length);
        foreach (char c in text) builder.Append(rare.Contains(c) ? Vocabulary.Unknown : c);
        return builder.ToString();
    }

    /// <summary><paramref name="text"/> with every character outside <paramref name="known"/> folded (see the class summary).</summary>
    public static string Fold(string text, IReadOnlySet<char> known)
    {
        int first = 0;
        while (first < text.Length && known.Contains(text[first])) first++;
        if (first == text.Length) return text;                                  // the common case: nothing to fold
        var builder = new StringBuilder(text.Length).Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (known.Contains(c)) builder.Append(c);
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(Vocabulary.Unknown);
                i++;
            }
            else builder.Append(Nearest(c, known));
        }
        return builder.ToString();
    }

    private static char Nearest(char c, IReadOnlySet<char> known)
    {
        if (char.IsWhiteSpace(c) && known.Contains(' ')) return ' ';
        char other = char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c);
        return known.Contains(other) ? other : Vocabulary.Unknown;
    }
}
