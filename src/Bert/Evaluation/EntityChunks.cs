namespace Bert.Evaluation;

/// <summary>Chunk extraction of seqeval's two modes over one sentence (a virtual O closes the last chunk).</summary>
internal static class EntityChunks
{
    /// <summary>seqeval <c>get_entities</c>: prefix = first char, type = text after the first '-' following it (or '_').</summary>
    public static List<Entity> Default(IReadOnlyList<string> tags, int sentence)
    {
        var chunks = new List<Entity>();
        char prevTag = 'O';
        string prevType = "";
        int begin = 0;
        for (int i = 0; i <= tags.Count; i++)
        {
            string chunk = i < tags.Count ? Tag(tags, i) : "O";
            char tag = chunk[0];
            string rest = chunk[1..];
            int dash = rest.IndexOf('-');
            string type = dash < 0 ? rest : rest[(dash + 1)..];
            if (type.Length == 0) type = "_";
            if (EndOfChunk(prevTag, tag, prevType, type)) chunks.Add(new Entity(prevType, sentence, begin, i));
            if (StartOfChunk(prevTag, tag, prevType, type)) begin = i;
            prevTag = tag;
            prevType = type;
        }
        return chunks;
    }

    // conlleval's rules: which (previous, current) prefix pairs close or open a chunk; a type change always does.
    private static bool EndOfChunk(char prevTag, char tag, string prevType, string type) =>
        prevTag is 'E' or 'S'
        || (prevTag is 'B' or 'I' && tag is 'B' or 'S' or 'O')
        || (prevTag != 'O' && prevTag != '.' && prevType != type);

    private static bool StartOfChunk(char prevTag, char tag, string prevType, string type) =>
        tag is 'B' or 'S'
        || (prevTag is 'E' or 'S' or 'O' && tag is 'E' or 'I')
        || (tag != 'O' && tag != '.' && prevType != type);

    /// <summary>seqeval <c>Entities(…, IOB2)</c>: B-X starts, I-X of the same type continues, anything else ends.</summary>
    public static List<Entity> Strict(IReadOnlyList<string> tags, int sentence)
    {
        var entities = new List<Entity>();
        var prefixes = new char[tags.Count];
        var types = new string[tags.Count];
        for (int i = 0; i < tags.Count; i++)
        {
            string tag = Tag(tags, i);
            if (tag[0] is not ('B' or 'I' or 'O'))
                throw new ArgumentException($"Tag '{tag}' at position {i} is not an IOB2 tag (B-, I- or O).", nameof(tags));
            prefixes[i] = tag[0];
            types[i] = tag[1..].Trim('-') is { Length: > 0 } t ? t : "_";
        }
        for (int i = 0; i < tags.Count;)
        {
            if (prefixes[i] != 'B')
            {
                i++;
                continue;
            }
            int end = i + 1;
            while (end < tags.Count && prefixes[end] == 'I' && types[end] == types[i]) end++;
            entities.Add(new Entity(types[i], sentence, i, end));
            i = end;
        }
        return entities;
    }

    private static string Tag(IReadOnlyList<string> tags, int i)
    {
        string tag = tags[i] ?? throw new ArgumentNullException(nameof(tags), $"Tag {i} is null.");
        return tag.Length > 0 ? tag : throw new ArgumentException($"Tag {i} is empty.", nameof(tags));
    }
}
