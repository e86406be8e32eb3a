using Bert.Synthetic;
using Bert.Tokenization;

namespace Bert.Tests.Tokenization;

/// <summary>
/// The tokenizer files that Bert.Synthetic writes in HF's formats (vocab.txt + tokenizer_config.json, tokenizer.json)
/// load, agree with each other, and give the ids of the synthetic vocabulary's own layout.
/// </summary>
public sealed class SyntheticCheckpointTokenizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bert-tok-synth-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory, InlineData(512), InlineData(30522)]
    public void TokenizerJsonAndVocabTxtAgree(int vocabSize)
    {
        var config = SyntheticPresets.Tiny with { VocabSize = vocabSize };
        SyntheticCheckpoint.Create(_dir, new SyntheticOptions { Config = config });
        var fromJson = BertTokenizer.Load(_dir);
        File.Delete(Path.Combine(_dir, "tokenizer.json"));
        var fromVocab = BertTokenizer.Load(_dir);

        Assert.True(fromJson.Options.LowerCase);
        Assert.Equal(config.MaxPositionEmbeddings, fromJson.MaxLength);    // model_max_length of tokenizer_config.json
        Assert.Equal(config.MaxPositionEmbeddings, fromVocab.MaxLength);
        Assert.Equal(SyntheticVocabulary.IdOf("[CLS]", vocabSize), fromJson.ClsTokenId);
        Assert.Equal(SyntheticVocabulary.IdOf("[PAD]", vocabSize), fromVocab.PadTokenId);
        int hello = SyntheticVocabulary.IdOf("hello", vocabSize);
        Assert.Equal([fromJson.ClsTokenId, hello, fromJson.SepTokenId], fromJson.Encode("Hello").Ids);

        var rng = new Random(9);
        for (int i = 0; i < 200; i++)
        {
            string text = RobustnessTests.RandomText(rng, rng.Next(1, 30));
            Assert.Equal(fromVocab.Encode(text, truncation: TruncationStrategy.None).Ids, fromJson.Encode(text, truncation: TruncationStrategy.None).Ids);
        }
    }
}
