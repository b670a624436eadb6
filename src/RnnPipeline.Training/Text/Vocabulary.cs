namespace RnnPipeline.Training.Text;

/// <summary>
/// Character ↔ index map. Index 0 is reserved for characters not seen when the vocabulary was built ('\uFFFD');
/// the others are the distinct characters of the training text in ordinal order, so equal texts give equal vocabularies.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>Stands for every unknown character.</summary>
    public const char Unknown = '\uFFFD';

    private readonly Dictionary<char, int> _index;

    /// <summary>Characters by index (index 0 is <see cref="Unknown"/>).</summary>
    public string Characters { get; }

    /// <summary>Number of symbols V, including <see cref="Unknown"/>.</summary>
    public int Size => Characters.Length;

    private Vocabulary(string characters)
    {
        Characters = characters;
        _index = characters.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
    }

    /// <summary>The vocabulary of <paramref name="text"/>.</summary>
    public static Vocabulary Build(string text) =>
        new(Unknown + new string(text.Distinct().Where(c => c != Unknown).Order().ToArray()));

    /// <summary>Restores a vocabulary from <see cref="Characters"/> (e.g. from a checkpoint).</summary>
    public static Vocabulary FromCharacters(string characters)
    {
        if (characters.Length == 0 || characters[0] != Unknown)
            throw new ArgumentException("a vocabulary starts with the unknown-character symbol", nameof(characters));
        return new Vocabulary(characters);
    }

    /// <summary>Index of <paramref name="c"/>, or 0 when unknown.</summary>
    public int IndexOf(char c) => _index.GetValueOrDefault(c, 0);

    /// <summary>Indices of every character of <paramref name="text"/>.</summary>
    public long[] Encode(string text)
    {
        var ids = new long[text.Length];
        for (int i = 0; i < text.Length; i++) ids[i] = IndexOf(text[i]);
        return ids;
    }
}
