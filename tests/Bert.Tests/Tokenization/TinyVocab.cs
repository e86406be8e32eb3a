using System.Text;
using Bert.Tokenization;

namespace Bert.Tests.Tokenization;

/// <summary>Handmade vocabularies: the id of a token is its index in the list the test writes down.</summary>
internal static class TinyVocab
{
    public static readonly string[] Specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
    public const int Pad = 0, Unk = 1, Cls = 2, Sep = 3, Mask = 4;

    /// <summary>A tokenizer over [PAD] [UNK] [CLS] [SEP] [MASK] followed by <paramref name="tokens"/> (ids 5, 6, ...).</summary>
    public static BertTokenizer Create(string[] tokens, BertTokenizerOptions? options = null, bool exactPathOnly = false, bool vectorize = true) =>
        new(Vocab(tokens), options, exactPathOnly, vectorize);

    public static Vocabulary Vocab(string[] tokens) =>
        new(Specials.Concat(tokens).Select((t, i) => new KeyValuePair<string, int>(t, i)));

    /// <summary>The id the test's own list gives <paramref name="token"/>.</summary>
    public static int Id(string[] tokens, string token)
    {
        int special = Array.IndexOf(Specials, token);
        if (special >= 0) return special;
        int i = Array.IndexOf(tokens, token);
        if (i < 0) throw new ArgumentException($"'{token}' is not in the test vocabulary");
        return Specials.Length + i;
    }

    public static int[] Ids(string[] tokens, params string[] expected) => expected.Select(t => Id(tokens, t)).ToArray();

    public static Stream VocabTxt(IEnumerable<string> lines) => new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));
}
