using System.Text.Json;

namespace Bert.Cli.Output;

/// <summary>Writes one JSON value per line to stdout.</summary>
internal static class JsonLines
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static void Write(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Options));
}
