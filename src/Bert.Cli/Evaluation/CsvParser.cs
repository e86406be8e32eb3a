using System.Text;

namespace Bert.Cli.Evaluation;

/// <summary>RFC 4180 rows: comma-separated fields, double-quoted fields may hold commas, line breaks and "" for a quote.</summary>
internal static class CsvParser
{
    private const int MaxFieldChars = 1 << 24;

    /// <summary>The next row, or null at the end of the input.</summary>
    public static List<string>? ReadRow(TextReader reader)
    {
        if (reader.Peek() < 0) return null;
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        while (true)
        {
            int c = reader.Read();
            if (c < 0) { fields.Add(field.ToString()); return fields; }
            if (quoted)
            {
                if (c == '"' && reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                else if (c == '"') quoted = false;
                else field.Append((char)c);
            }
            else if (c == '"' && field.Length == 0) quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && reader.Peek() == '\n') reader.Read();
                fields.Add(field.ToString());
                return fields;
            }
            else field.Append((char)c);
            if (field.Length > MaxFieldChars) throw new FormatException($"A CSV field is longer than {MaxFieldChars} characters.");
        }
    }
}
