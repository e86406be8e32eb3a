using System.Text;

namespace Bert.Tests.Hardening;

/// <summary>Seeded line-level damage to a text file such as vocab.txt.</summary>
internal static class TextMutator
{
    public static byte[] MutateLines(byte[] valid, Random random)
    {
        var lines = Encoding.UTF8.GetString(valid).Split('\n').ToList();
        int i = random.Next(lines.Count);
        switch (random.Next(7))
        {
            case 0: lines.Insert(i, lines[random.Next(lines.Count)]); break;                  // duplicate a token
            case 1: lines.RemoveAt(i); break;                                                 // drop a token: ids shift
            case 2: lines.Add("extra" + random.Next(1000)); break;                            // ids past vocab_size
            case 3: lines[i] = ""; break;
            case 4: lines[i] = new string('x', random.Next(1, 400)); break;
            case 5: return JsonMutator.ByteMutation(valid, random);                           // invalid UTF-8, truncation
            default: lines.RemoveRange(i, lines.Count - i); break;                            // cut short
        }
        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }
}
