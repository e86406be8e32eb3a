using Bert.Extensions.AI;
using Bert.Tests.Model;
using Bert.Tests.SentenceTransformers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Bert.Tests.Extensions.AI;

/// <summary>The Microsoft.Extensions.AI adapter: vectors equal the core API's, metadata, options, usage, services, DI.</summary>
public sealed class BertEmbeddingGeneratorTests : IDisposable
{
    // Same model, same plan: the adapter adds no arithmetic except truncation + renormalization (float rounding only).
    private const double Tolerance = 1e-6;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "bert-meai-" + Guid.NewGuid().ToString("N"));

    private string NormalizedFolder()
    {
        var ckpt = StFolder.Tiny(Path.Combine(_root, "st-model"));
        StFolder.WriteModules(ckpt.Folder, normalize: true);
        StFolder.WritePooling(ckpt.Folder, ckpt.Config.HiddenSize, BertPooling.Mean);
        StFolder.WriteModelConfig(ckpt.Folder, """{"prompts": {"query": "query: ", "passage": ""}, "default_prompt_name": null, "similarity_fn_name": "cosine"}""");
        return ckpt.Folder;
    }

    [Fact]
    public async Task VectorsMetadataAndUsageMatchTheCoreApi()
    {
        string folder = NormalizedFolder();
        using var generator = BertEmbeddingGenerator.Load(folder);
        var model = generator.Model;
        string[] texts = ["the cat sat on the mat", "a dog ran", "he drove to the stadium ."];

        var result = await generator.GenerateAsync(texts);
        Assert.Equal(3, result.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(Compare.MaxAbs(model.Encode(texts[i]), result[i].Vector.Span) <= Tolerance);
            Assert.Equal("st-model", result[i].ModelId);
            Assert.NotNull(result[i].CreatedAt);
        }
        long tokens = texts.Sum(t => (long)model.Tokenizer!.Encode(t).Ids.Length);
        Assert.Equal(tokens, result.Usage!.InputTokenCount);
        Assert.Equal(tokens, result.Usage.TotalTokenCount);

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>()!;
        Assert.Equal("bert", metadata.ProviderName);
        Assert.Equal("st-model", metadata.DefaultModelId);
        Assert.Equal(model.Config.HiddenSize, metadata.DefaultModelDimensions);
        Assert.Same(model, generator.GetService<BertModel>());
        Assert.Same(generator, generator.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Null(generator.GetService<BertModel>("some key"));
        Assert.Null(generator.GetService<string>());
    }

    [Fact]
    public async Task DimensionsTruncatesAndRenormalizesAndPromptNameIsHonoured()
    {
        using var generator = BertEmbeddingGenerator.Load(NormalizedFolder());
        var model = generator.Model;
        var full = model.Encode("the cat sat", new EmbeddingOptions { Normalize = false });
        var short16 = (await generator.GenerateAsync(["the cat sat"], new EmbeddingGenerationOptions { Dimensions = 16 }))[0].Vector.ToArray();
        Assert.Equal(16, short16.Length);
        // Expected by hand: the first 16 floats of the unnormalized vector, divided by their norm.
        double norm = Math.Sqrt(full.Take(16).Sum(x => (double)x * x));
        Assert.True(Compare.MaxAbs(full.Take(16).Select(x => (float)(x / norm)).ToArray(), short16) <= Tolerance);

        var options = new EmbeddingGenerationOptions { AdditionalProperties = new() { ["prompt_name"] = "query" } };
        var query = (await generator.GenerateAsync(["the cat sat"], options))[0].Vector.ToArray();
        Assert.True(Compare.MaxAbs(model.Encode("query: the cat sat"), query) <= Tolerance);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = model.Config.HiddenSize + 1 }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 0 }));
        var unknown = new EmbeddingGenerationOptions { AdditionalProperties = new() { ["prompt_name"] = "nope" } };
        Assert.Contains("nope", (await Assert.ThrowsAnyAsync<ArgumentException>(() => generator.GenerateAsync(["x"], unknown))).Message);
    }

    [Fact]
    public async Task CancellationIsObserved()
    {
        using var generator = BertEmbeddingGenerator.Load(NormalizedFolder());
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(["a", "b"], cancellationToken: cts.Token));
    }

    [Fact]
    public async Task DependencyInjectionRegistersALazySingletonDisposedWithTheContainer()
    {
        string folder = NormalizedFolder();
        var services = new ServiceCollection();
        services.AddBertEmbeddingGenerator(folder, o => o.ModelId = "mini");
        services.AddKeyedBertEmbeddingGenerator("other", folder);
        BertModel model;
        await using (var provider = services.BuildServiceProvider())
        {
            var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
            Assert.Same(generator, provider.GetRequiredService<BertEmbeddingGenerator>());
            Assert.Equal("mini", generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId);
            var keyed = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("other");
            Assert.NotSame(generator, keyed);
            var vector = await generator.GenerateVectorAsync("the cat");
            Assert.Equal(64, vector.Length);
            model = generator.GetService<BertModel>()!;
        }
        Assert.Throws<ObjectDisposedException>(() => model.Encode("x"));
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddBertEmbeddingGenerator(Path.Combine(_root, "missing")));
    }

    [Fact]
    public void WrappingAModelLeavesItOpen()
    {
        var ckpt = StFolder.Tiny(Path.Combine(_root, "plain"));
        using var model = BertModel.Load(ckpt.Folder);
        using (var generator = new BertEmbeddingGenerator(model)) Assert.Equal("bert", generator.Metadata.DefaultModelId);
        Assert.Equal(64, model.Encode("still open").Length);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
