namespace Bert.Synthetic;

/// <summary>
/// A deterministic WordPiece vocabulary of any size ≥ 16, laid out so that real (lower-cased) text tokenizes.
/// </summary>
/// <remarks>
/// <para>Size ≥ 1000 (BERT layout): 0 <c>[PAD]</c>, 1–99 <c>[unused0]</c>–<c>[unused98]</c>, 100 <c>[UNK]</c>, 101 <c>[CLS]</c>,
/// 102 <c>[SEP]</c>, 103 <c>[MASK]</c>. Smaller (compact layout): 0 <c>[PAD]</c>, 1 <c>[UNK]</c>, 2 <c>[CLS]</c>, 3 <c>[SEP]</c>, 4 <c>[MASK]</c>.</para>
/// <para>Then, until the size is reached and without duplicates: single characters (ASCII punctuation, digits, a–z, a few
/// Greek, Cyrillic and CJK characters), the continuation pieces <c>##a</c>–<c>##z</c> and <c>##0</c>–<c>##9</c>, common English
/// words and suffixes (<c>##s</c>, <c>##ing</c>, …), then pseudo-words built from consonant–vowel syllables with a
/// <c>##</c>syllable piece after every fourth one. Any lower-case ASCII word therefore tokenizes (at worst letter by letter).</para>
/// </remarks>
public static class SyntheticVocabulary
{
    /// <summary>The tokens in id order.</summary>
    /// <param name="size">Vocabulary size (config <c>vocab_size</c>), at least 16.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is below 16.</exception>
    public static IReadOnlyList<string> Build(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 16);
        var tokens = new List<string>(size);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string token)
        {
            if (tokens.Count < size && seen.Add(token)) tokens.Add(token);
        }

        if (size >= 1000)
        {
            Add("[PAD]");
            for (int i = 0; i < 99; i++) Add($"[unused{i}]");
            foreach (var special in new[] { "[UNK]", "[CLS]", "[SEP]", "[MASK]" }) Add(special);
        }
        else
        {
            foreach (var special in new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }) Add(special);
        }

        foreach (char c in SingleCharacters) Add(c.ToString());
        foreach (char c in "abcdefghijklmnopqrstuvwxyz0123456789") Add("##" + c);
        foreach (var word in CommonWords.Split(' ')) Add(word);
        for (long i = 0; tokens.Count < size; i++)
        {
            Add(PseudoWord(i));
            if (i % 4 == 3) Add("##" + Syllable(i / 4));
        }
        return tokens;
    }

    /// <summary>Id of <paramref name="token"/> in the vocabulary of <paramref name="size"/>, e.g. <c>[CLS]</c> → 101 or 2.</summary>
    /// <exception cref="KeyNotFoundException">The token is not in the vocabulary.</exception>
    public static int IdOf(string token, int size)
    {
        int id = Build(size).ToList().IndexOf(token);
        return id >= 0 ? id : throw new KeyNotFoundException($"'{token}' is not in the synthetic vocabulary of size {size}.");
    }

    private const string SingleCharacters =
        "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~0123456789abcdefghijklmnopqrstuvwxyz" + "αβγδεπσωабвгдежзик的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年";

    private const string CommonWords =
        "the of and to in is was he for it with as his on be at by had are but from or have an they which one you were " +
        "her all she there would their we him been has when who will more no if out so said what up its about into than " +
        "them can only other new some could time these two may then do first any my now such like our over man me even most " +
        "made after also did many before must through back years where much your way well down should because each just those " +
        "people how too little state good very make world still own see men work long get here between both life being under " +
        "never day same another know while last might us great old year off come since against go came right used take three " +
        "hello quick brown fox jumps lazy dog paris capital france city model text sentence word token bert " +
        "##s ##ing ##ed ##er ##ly ##es ##tion ##al ##ment ##ness ##est ##y ##e ##d ##n ##t ##a ##able ##ful ##less";

    private const string Consonants = "bdfghklmnprstvwz";
    private const string Vowels = "aeiou";

    private static string Syllable(long i) =>
        string.Concat(Consonants[(int)(i % Consonants.Length)], Vowels[(int)(i / Consonants.Length % Vowels.Length)]);

    // Two or three syllables; index i enumerates them in a fixed order (80 syllables: 6400 two-syllable words, then three).
    private static string PseudoWord(long i)
    {
        const int n = 80;
        return i < n * n ? Syllable(i / n) + Syllable(i % n) : Syllable(i / (n * n) % n) + Syllable(i / n % n) + Syllable(i % n);
    }
}
