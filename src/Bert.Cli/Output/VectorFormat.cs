namespace Bert.Cli.Output;

/// <summary>How <c>bert encode</c> writes vectors.</summary>
internal enum VectorFormat
{
    /// <summary>A short summary per text for a person (first values, dimension, norm).</summary>
    Human,

    /// <summary>One JSON object per line: <c>{"index":i,"text":...,"embedding":[...]}</c>.</summary>
    Jsonl,

    /// <summary>One line per text, the values separated by tabs (shortest round-trip float text).</summary>
    Tsv,

    /// <summary>A float32 NumPy array [texts, dimension] (needs --output).</summary>
    Npy,
}
