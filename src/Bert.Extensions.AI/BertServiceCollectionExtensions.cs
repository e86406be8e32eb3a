using Bert.Extensions.AI;
using Microsoft.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a local BERT model as the application's <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>.</summary>
public static class BertServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="BertEmbeddingGenerator"/> and <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c>
    /// that load <paramref name="folder"/> on first use; the container disposes the model with the generator.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="folder">A Hugging Face / sentence-transformers model folder (it must exist).</param>
    /// <param name="configure">Sets <see cref="BertEmbeddingGeneratorOptions"/>, or null.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="folder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="folder"/> does not exist.</exception>
    public static IServiceCollection AddBertEmbeddingGenerator(this IServiceCollection services, string folder,
        Action<BertEmbeddingGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = Options(folder, configure);
        services.AddSingleton(_ => BertEmbeddingGenerator.Load(folder, options));
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => sp.GetRequiredService<BertEmbeddingGenerator>());
        return services;
    }

    /// <summary>As <see cref="AddBertEmbeddingGenerator"/>, registered under <paramref name="serviceKey"/> (keyed services).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key.</param>
    /// <param name="folder">A Hugging Face / sentence-transformers model folder (it must exist).</param>
    /// <param name="configure">Sets <see cref="BertEmbeddingGeneratorOptions"/>, or null.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="folder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="folder"/> does not exist.</exception>
    public static IServiceCollection AddKeyedBertEmbeddingGenerator(this IServiceCollection services, object? serviceKey, string folder,
        Action<BertEmbeddingGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = Options(folder, configure);
        services.AddKeyedSingleton(serviceKey, (_, _) => BertEmbeddingGenerator.Load(folder, options));
        services.AddKeyedSingleton<IEmbeddingGenerator<string, Embedding<float>>>(serviceKey,
            (sp, key) => sp.GetRequiredKeyedService<BertEmbeddingGenerator>(key));
        return services;
    }

    private static BertEmbeddingGeneratorOptions Options(string folder, Action<BertEmbeddingGeneratorOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder)) throw new ArgumentException($"The model folder '{folder}' does not exist.", nameof(folder));
        var options = new BertEmbeddingGeneratorOptions();
        configure?.Invoke(options);
        return options;
    }
}
