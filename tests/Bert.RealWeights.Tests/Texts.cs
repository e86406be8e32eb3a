namespace Bert.RealWeights.Tests;

/// <summary>Varied inputs: lengths from one word to past both models' max_seq_length, punctuation, accents, CJK,
/// emoji, numbers, code, whitespace oddities.</summary>
internal static class Texts
{
    public static readonly string[] Sentences = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."];

    public static IReadOnlyList<string> Varied { get; } =
    [
        "hello",
        "A",
        "The quick brown fox jumps over the lazy dog.",
        "Hello, world!!! What's up??? ... (yes) [no] {maybe} <tag> #hash @user $100 50% a&b",
        "Café, naïve, résumé, Ångström, façade, coöperate — accents are stripped by the uncased tokenizer.",
        "ÉCOLE NORMALE SUPÉRIEURE à Paris; Zürich; São Paulo; Kraków; İstanbul.",
        "東京は日本の首都です。北京是中国的首都。",
        "한국어 텍스트와 English mixed together, 混合された文.",
        "Emoji 😀🎉👍 and symbols ©®™ ∑∫√ → ← ↔",
        "Numbers: 3.14159, 2,718, 1e-12, 42nd, 1990s, +33 6 12 34 56 78",
        "def forward(self, x): return self.dense(x) + x  # residual",
        "   leading and trailing spaces   ",
        "tabs\tand\nnewlines\r\nin the middle",
        "supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
        "URLs like https://example.com/path?query=1&b=2 and emails like someone@example.org",
        "Don't, can't, won't, shouldn't've — contractions.",
        "Привет, мир! Γειά σου Κόσμε! مرحبا بالعالم שלום עולם",
        "What is the capital of France?",
        "Paris is the capital and most populous city of France.",
        "BERT uses WordPiece tokenization with a 30,522-token vocabulary.",
        string.Join(" ", Enumerable.Repeat("The committee reviewed the proposal carefully before the vote.", 6)),
        string.Join(" ", Enumerable.Repeat("Long texts are truncated at max_seq_length tokens, so this one goes past the limit.", 30)),
        string.Join(" ", Enumerable.Range(0, 700).Select(i => $"w{i}")),
        "a b c d e f g h i j k l m n o p q r s t u v w x y z",
        "!!!???...,,,;;;:::",
        "The weather is lovely today.",
        "It's so sunny outside!",
        "He drove to the stadium.",
        "A man is eating food.",
        "A man is riding a white horse on an enclosed ground.",
        "Represent this sentence for searching relevant passages: what is a transformer?",
        "ﬁ ligatures, full-width ＡＢＣ１２３, and combining e\u0301 characters",
    ];
}
