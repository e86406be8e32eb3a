using System.Text.Json;

namespace Bert.Tokenization;

/// <summary>The settings of a tokenizer_config.json that matter to BERT (absent keys are null).</summary>
internal sealed record TokenizerConfig(bool? DoLowerCase, bool StripAccentsPresent, bool? StripAccents, bool? TokenizeChineseChars,
    int? ModelMaxLength, string? Unk, string? Sep, string? Pad, string? Cls, string? Mask, IReadOnlyList<string> Additional);

/// <summary>Readers of tokenizer_config.json and tokenizer.json (HF formats), with errors naming file and field.</summary>
internal static class TokenizerFiles
{
    private static readonly JsonDocumentOptions s_json = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static TokenizerConfig ReadConfig(string path)
    {
        using var doc = Bert.Loading.JsonFile.ReadObject(path, s_json);
        var root = doc.RootElement;
        if (root.TryGetProperty("do_basic_tokenize", out var basic) && basic.ValueKind == JsonValueKind.False)
            throw new BertFormatException(path, "do_basic_tokenize", "false is not supported (only HF's basic + WordPiece tokenization is).");
        int? maxLength = null;
        if (root.TryGetProperty("model_max_length", out var m) && m.ValueKind == JsonValueKind.Number &&
            m.TryGetInt64(out long max) && max <= 1 << 20)
        {
            // [CLS] x [SEP] needs 3; fewer could never encode a text, so say so at load rather than at every Encode.
            if (max < 3) throw new BertFormatException(path, "model_max_length", $"{max} leaves no room for a token between [CLS] and [SEP] (at least 3).");
            maxLength = (int)max;
        }   // HF writes 1e30 for "no limit": then the default (512) stays
        var additional = new List<string>();
        if (root.TryGetProperty("additional_special_tokens", out var extra) && extra.ValueKind == JsonValueKind.Array)
            foreach (var item in extra.EnumerateArray())
                if (TokenText(item) is { } text) additional.Add(text);
        bool stripPresent = root.TryGetProperty("strip_accents", out var strip);
        return new TokenizerConfig(Bool(root, "do_lower_case", path), stripPresent,
            stripPresent ? NullableBool(strip, path, "strip_accents") : null, Bool(root, "tokenize_chinese_chars", path), maxLength,
            Token(root, "unk_token"), Token(root, "sep_token"), Token(root, "pad_token"), Token(root, "cls_token"), Token(root, "mask_token"),
            additional);
    }

    /// <summary>Applies a tokenizer_config.json; the text settings only when <paramref name="textSettings"/>.</summary>
    public static BertTokenizerOptions ApplyConfig(BertTokenizerOptions o, TokenizerConfig c, bool textSettings)
    {
        if (textSettings)
        {
            o = o with
            {
                LowerCase = c.DoLowerCase ?? o.LowerCase,
                StripAccents = c.StripAccentsPresent ? c.StripAccents : o.StripAccents,
                TokenizeChineseChars = c.TokenizeChineseChars ?? o.TokenizeChineseChars,
            };
        }
        return o with
        {
            MaxLength = c.ModelMaxLength ?? o.MaxLength,
            UnknownToken = c.Unk ?? o.UnknownToken,
            SeparatorToken = c.Sep ?? o.SeparatorToken,
            PaddingToken = c.Pad ?? o.PaddingToken,
            ClassificationToken = c.Cls ?? o.ClassificationToken,
            MaskToken = c.Mask ?? o.MaskToken,
            AdditionalSpecialTokens = c.Additional.Count > 0 ? c.Additional : o.AdditionalSpecialTokens,
        };
    }

    public static (Vocabulary, BertTokenizerOptions) ReadTokenizerJson(Stream stream, string source, TokenizerConfig? config)
    {
        // Bounded read (a 200 MB tokenizer.json made the parser allocate 2.9 GB), root object, no lone surrogates.
        using var doc = Bert.Loading.JsonFile.Parse(Bert.Loading.JsonFile.ReadBounded(stream, source, Bert.Loading.JsonFile.MaxBytes), source, s_json);
        var root = doc.RootElement;
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw new BertFormatException(source, "model", "missing or not an object.");
        string type = model.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "(missing)";
        if (type != "WordPiece")
            throw new BertFormatException(source, "model.type", $"is '{type}'; only a WordPiece model can be a BERT tokenizer.");
        string prefix = String(model, "continuing_subword_prefix", source, "model.") ?? "##";
        var options = ReadNormalizer(root, source, new BertTokenizerOptions { ContinuingSubwordPrefix = prefix });
        // Keys present in tokenizer_config.json win, as in HF (the slow tokenizer reads only them, and
        // BertTokenizerFast.__init__ rebuilds the normalizer when they disagree with tokenizer.json).
        if (config is not null) options = ApplyConfig(options, config, textSettings: true);
        options = options with
        {
            UnknownToken = String(model, "unk_token", source, "model.") ?? options.UnknownToken,
            MaxInputCharsPerWord = Int(model, "max_input_chars_per_word", source, "model.") is { } maxChars
                ? maxChars is >= 1 and <= BertTokenizerOptions.MaxInputCharsPerWordLimit ? maxChars
                    : throw new BertFormatException(source, "model.max_input_chars_per_word",
                        $"{maxChars} is outside 1..{BertTokenizerOptions.MaxInputCharsPerWordLimit} (HF's default is 100; larger values make WordPiece quadratic).")
                : options.MaxInputCharsPerWord,
        };
        options = ReadPostProcessor(root, options);
        if (root.TryGetProperty("padding", out var padding) && padding.ValueKind == JsonValueKind.Object &&
            String(padding, "pad_token", source, "padding.") is { } pad)
            options = options with { PaddingToken = pad };

        var entries = ReadVocab(model, source);
        string[] named = [options.UnknownToken, options.SeparatorToken, options.PaddingToken, options.ClassificationToken, options.MaskToken];
        var additional = new List<string>(options.AdditionalSpecialTokens);
        var plain = new List<string>();
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            int index = 0;
            foreach (var token in added.EnumerateArray())
            {
                string field = $"added_tokens[{index++}]";
                RequireObject(token, source, field);
                string content = String(token, "content", source, field + ".") ?? throw new BertFormatException(source, field, "has no 'content'.");
                int id = Int(token, "id", source, field + ".") ?? throw new BertFormatException(source, field, "has no 'id'.");
                if (entries.TryGetValue(content, out int existing) && existing != id)
                    throw new BertFormatException(source, field, $"'{content}' has id {id} but the vocabulary gives it {existing}.");
                entries[content] = id;
                bool special = token.TryGetProperty("special", out var sp) && sp.ValueKind == JsonValueKind.True;
                if (named.Contains(content) || additional.Contains(content) || plain.Contains(content)) continue;
                (special ? additional : plain).Add(content);
            }
        }
        options = options with { AdditionalSpecialTokens = additional, AddedTokens = plain };
        return (new Vocabulary(entries, prefix, source), options);
    }

    private static Dictionary<string, int> ReadVocab(JsonElement model, string source)
    {
        if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
            throw new BertFormatException(source, "model.vocab", "missing or not an object of token: id.");
        var entries = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in vocab.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out int id))
                throw new BertFormatException(source, $"model.vocab.{p.Name}", "the id is not an integer.");
            if (!entries.TryAdd(p.Name, id)) throw new BertFormatException(source, $"model.vocab.{p.Name}", "duplicate token.");
        }
        if (entries.Count == 0) throw new BertFormatException(source, "model.vocab", "the vocabulary is empty.");
        return entries;
    }

    /// <summary>BertNormalizer (possibly inside a Sequence), Lowercase, StripAccents; NFC/NFD are implied by our pipeline.</summary>
    private static BertTokenizerOptions ReadNormalizer(JsonElement root, string source, BertTokenizerOptions o)
    {
        o = o with { LowerCase = false, StripAccents = false, TokenizeChineseChars = false, CleanText = false };
        if (!root.TryGetProperty("normalizer", out var normalizer) || normalizer.ValueKind == JsonValueKind.Null) return o;
        return ApplyNormalizer(normalizer, source, "normalizer", o);
    }

    private static BertTokenizerOptions ApplyNormalizer(JsonElement n, string source, string field, BertTokenizerOptions o)
    {
        RequireObject(n, source, field);
        string type = String(n, "type", source, field + ".") ?? "(missing)";
        switch (type)
        {
            case "BertNormalizer":
                return o with
                {
                    CleanText = Bool(n, "clean_text", source, field + ".") ?? true,
                    TokenizeChineseChars = Bool(n, "handle_chinese_chars", source, field + ".") ?? true,
                    StripAccents = n.TryGetProperty("strip_accents", out var s) ? NullableBool(s, source, field + ".strip_accents") : null,
                    LowerCase = Bool(n, "lowercase", source, field + ".") ?? true,
                };
            case "Sequence":
                if (!n.TryGetProperty("normalizers", out var list) || list.ValueKind != JsonValueKind.Array)
                    throw new BertFormatException(source, field + ".normalizers", "missing or not an array.");
                int i = 0;
                foreach (var item in list.EnumerateArray()) o = ApplyNormalizer(item, source, $"{field}.normalizers[{i++}]", o);
                return o;
            case "Lowercase": return o with { LowerCase = true };
            case "StripAccents": return o with { StripAccents = true };
            case "NFC" or "NFD": return o;
            default:
                throw new BertFormatException(source, field + ".type", $"normalizer '{type}' is not supported (BertNormalizer, Lowercase, StripAccents, NFC, NFD are).");
        }
    }

    /// <summary>[CLS]/[SEP] strings from a BertProcessing or TemplateProcessing post-processor.</summary>
    private static BertTokenizerOptions ReadPostProcessor(JsonElement root, BertTokenizerOptions o)
    {
        if (!root.TryGetProperty("post_processor", out var p) || p.ValueKind != JsonValueKind.Object) return o;
        if (p.TryGetProperty("cls", out var cls) && cls.ValueKind == JsonValueKind.Array && cls.GetArrayLength() > 0 &&
            cls[0].ValueKind == JsonValueKind.String && p.TryGetProperty("sep", out var sep) &&
            sep.ValueKind == JsonValueKind.Array && sep.GetArrayLength() > 0 && sep[0].ValueKind == JsonValueKind.String)
            return o with { ClassificationToken = cls[0].GetString()!, SeparatorToken = sep[0].GetString()! };
        if (p.TryGetProperty("single", out var single) && single.ValueKind == JsonValueKind.Array)
        {
            var specials = single.EnumerateArray()
                .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("SpecialToken", out _))
                .Select(e => e.GetProperty("SpecialToken") is { ValueKind: JsonValueKind.Object } special &&
                    special.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null)
                .ToList();
            if (specials.Count == 2 && specials[0] is { } first && specials[1] is { } last)
                return o with { ClassificationToken = first, SeparatorToken = last };
        }
        return o;
    }

    private static void RequireObject(JsonElement e, string source, string field)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new BertFormatException(source, field, $"is a JSON {e.ValueKind}, not an object.");
    }

    private static string? TokenText(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Object when e.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
        _ => null,
    };

    private static string? Token(JsonElement root, string name) => root.TryGetProperty(name, out var e) ? TokenText(e) : null;

    private static string? String(JsonElement o, string name, string source, string path = "")
    {
        if (!o.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        return e.ValueKind == JsonValueKind.String ? e.GetString() : throw new BertFormatException(source, path + name, "is not a string.");
    }

    private static int? Int(JsonElement o, string name, string source, string path = "")
    {
        if (!o.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        return e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) ? v
            : throw new BertFormatException(source, path + name, "is not a 32-bit integer.");
    }

    private static bool? Bool(JsonElement o, string name, string source, string path = "") =>
        o.TryGetProperty(name, out var e) ? NullableBool(e, source, path + name) : null;

    private static bool? NullableBool(JsonElement e, string source, string field) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => throw new BertFormatException(source, field, "is not true, false or null."),
    };
}
