using System.Text.Json;
using Bert.Pipelines;
using Bert.Server.Http;
using Bert.Server.Inference;
using Microsoft.AspNetCore.Http;

namespace Bert.Server.Endpoints;

/// <summary><c>POST /fill-mask</c> for masked-LM checkpoints.</summary>
internal static class FillMaskEndpoint
{
    /// <summary>
    /// The core's fill-mask pipeline (<see cref="BertModel.FillMask(IReadOnlyList{string}, FillMaskOptions?)"/>): for every
    /// mask token of every input, the <c>top_k</c> (default 5) most probable tokens (optionally among <c>targets</c>),
    /// p = softmax(z) over the vocabulary, each with the text it completes — Hugging Face's fields (score, token id,
    /// token_str, sequence). The answer is [inputs][masks][candidates]. Runs as one job on the batcher thread.
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
        int tokens = 0;
        for (int i = 0; i < texts.Length; i++)
        {
            string field = Embedder.Field("inputs", i, array);
            var input = TextInputs.Encode(m.Tokenizer, texts[i], null, request.Truncate ?? false, left: false, m.Model.MaxTextTokens, field);
            if (!input.Ids.Contains(m.Tokenizer.MaskTokenId))
                throw ApiException.BadRequest($"Field '{field}' contains no mask token {m.Tokenizer.Options.MaskToken}.");
            tokens += input.Ids.Length;
        }
        var options = new FillMaskOptions { TopK = topK, Targets = request.Targets };
        var answer = await m.Queue.SubmitJobAsync((model, _) => model.FillMask(texts, options), tokens, http.RequestAborted);
        return Results.Json(answer.Select(perText => perText.Select(perMask => perMask
            .Select(c => new MaskCandidate(c.Score, c.Id, c.Token, c.Sequence)).ToArray()).ToArray()).ToArray(), ServerJson.Options);
    }
}
