using System.Text.Json;
using Bert.Server.Http;
using Bert.Server.Inference;
using Microsoft.AspNetCore.Http;

namespace Bert.Server.Endpoints;

/// <summary><c>POST /fill-mask</c> for masked-LM checkpoints.</summary>
internal static class FillMaskEndpoint
{
    /// <summary>
    /// For every mask token of every input, the <c>top_k</c> (default 5) most probable tokens, p = softmax(z) over the
    /// vocabulary at that position, highest first (lower id first on ties), each with the text it completes
    /// (Hugging Face's fill-mask fields). The answer is [inputs][masks][candidates]. Only masked rows reach the decoder.
    /// </summary>
    public static async Task<IResult> FillMask(HttpContext http, ModelHost host)
    {
        var m = host.Require();
        if (!m.Capabilities.FillMask)
            throw ApiException.Unsupported("/fill-mask needs a masked-LM model (BertForMaskedLM or BertForPreTraining); this one has no cls.predictions head.");
        var request = await ServerJson.ReadAsync<FillMaskRequest>(http, host.Options.MaxRequestBodyBytes);
        int vocab = m.Model.Config.VocabSize, topK = request.TopK ?? 5;
        if (topK < 1 || topK > vocab) throw ApiException.BadRequest($"Field 'top_k' must be in [1, {vocab}], got {topK}.");
        var texts = TextInputs.Texts(request.Inputs, "inputs", host.Options);
        bool array = request.Inputs.ValueKind == JsonValueKind.Array;
        var work = new SequenceWork[texts.Length];
        for (int i = 0; i < texts.Length; i++)
        {
            string field = Embedder.Field("inputs", i, array);
            var input = TextInputs.Encode(m.Tokenizer, texts[i], null, request.Truncate ?? false, left: false, m.Model.MaxTextTokens, field);
            int[] rows = [.. Enumerable.Range(0, input.Ids.Length).Where(t => input.Ids[t] == m.Tokenizer.MaskTokenId)];
            if (rows.Length == 0) throw ApiException.BadRequest($"Field '{field}' contains no mask token {m.Tokenizer.Options.MaskToken}.");
            work[i] = new SequenceWork(input.Ids, input.TypeIds, WantedOutputs.MaskedLM, rows);
        }
        var results = await m.Queue.SubmitAsync(work, http.RequestAborted);
        var answer = results.Select((r, i) => Candidates(m, work[i], r.MaskLogits!, topK)).ToArray();
        return Results.Json(answer, ServerJson.Options);
    }

    private static MaskCandidate[][] Candidates(ModelHost.Loaded m, SequenceWork work, float[] logits, int topK)
    {
        int v = m.Model.Config.VocabSize, masks = work.MaskRows!.Length;
        var perMask = new MaskCandidate[masks][];
        for (int k = 0; k < masks; k++)
        {
            var p = EmbeddingMath.Softmax(logits.AsSpan(k * v, v));
            var top = TopK(p, topK);
            perMask[k] = [.. top.Select(id =>
            {
                var filled = (int[])work.Ids.Clone();
                filled[work.MaskRows[k]] = id;
                return new MaskCandidate(p[id], id, m.Tokenizer.Decode([id]), m.Tokenizer.Decode(filled));
            })];
        }
        return perMask;
    }

    /// <summary>Indices of the k largest values, largest first, lower index first on ties.</summary>
    internal static int[] TopK(float[] values, int k)
    {
        var ids = Enumerable.Range(0, values.Length).ToArray();
        Array.Sort(ids, (a, b) => values[b] != values[a] ? values[b].CompareTo(values[a]) : a.CompareTo(b));
        return ids[..k];
    }
}
