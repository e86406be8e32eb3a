using Bert.Hub;

namespace Bert.Tests.Hub;

/// <summary>Environment variables are read as huggingface_hub's constants.py documents them.</summary>
public sealed class HubOptionsTests
{
    private static HubOptions From(params (string Name, string Value)[] vars) =>
        HubOptions.FromEnvironment(name => vars.FirstOrDefault(v => v.Name == name).Value);

    [Fact]
    public void Defaults_are_huggingface_co_and_the_user_cache()
    {
        var o = From(("HF_TOKEN_PATH", "/nonexistent/token"));
        Assert.Equal("https://huggingface.co", o.Endpoint);
        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface", "hub"), o.CacheDirectory);
        Assert.False(o.Offline);
        Assert.Null(o.Token);
    }

    [Fact]
    public void Cache_precedence_is_HF_HUB_CACHE_then_legacy_then_HF_HOME_then_XDG()
    {
        Assert.Equal(Path.Combine("/c", "huggingface", "hub"), From(("XDG_CACHE_HOME", "/c")).CacheDirectory);
        Assert.Equal("/h/hub", From(("HF_HOME", "/h"), ("XDG_CACHE_HOME", "/c")).CacheDirectory);
        Assert.Equal("/legacy", From(("HUGGINGFACE_HUB_CACHE", "/legacy"), ("HF_HOME", "/h")).CacheDirectory);
        Assert.Equal("/new", From(("HF_HUB_CACHE", "/new"), ("HUGGINGFACE_HUB_CACHE", "/legacy")).CacheDirectory);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("ON", true)]
    [InlineData("yes", true)]
    [InlineData("True", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    public void HF_HUB_OFFLINE_accepts_huggingface_hub_truthy_values(string value, bool offline) =>
        Assert.Equal(offline, From(("HF_HUB_OFFLINE", value)).Offline);

    [Fact]
    public void Token_comes_from_HF_TOKEN_else_the_token_file_under_HF_HOME()
    {
        string home = Path.Combine(Path.GetTempPath(), "bert-hf-home-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home);
        try
        {
            File.WriteAllText(Path.Combine(home, "token"), "hf_fromfile\n");
            Assert.Equal("hf_fromfile", From(("HF_HOME", home)).Token);
            Assert.Equal("hf_env", From(("HF_HOME", home), ("HF_TOKEN", "hf_env")).Token);
            Assert.Equal("https://mirror.example", From(("HF_ENDPOINT", "https://mirror.example/")).Endpoint);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
