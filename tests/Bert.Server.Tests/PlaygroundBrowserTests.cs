using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Bert.Server.Tests;

/// <summary>A <see cref="FactAttribute"/> that skips when no Chromium is installed (Debian: <c>apt-get install chromium</c>).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Path is null) Skip = "No Chromium found (BERT_CHROMIUM, /usr/bin/chromium): install it with apt-get install chromium.";
    }
}

/// <summary>Runs Debian's chromium headless: the DOM after the page's scripts ran, or a screenshot.</summary>
internal static class HeadlessChromium
{
    public static string? Path { get; } = new[] { Environment.GetEnvironmentVariable("BERT_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }
        .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    /// <summary>Loads <paramref name="url"/>, lets its scripts run (up to 15 s of virtual time), and returns the DOM; saves a screenshot too when asked.</summary>
    public static async Task<string> DumpDomAsync(string url, string? screenshot = null)
    {
        string profile = Directory.CreateTempSubdirectory("bert-chromium-").FullName;
        try
        {
            if (screenshot is not null)
                await RunAsync([.. Common(profile), $"--screenshot={screenshot}", "--window-size=1280,1000", url]);
            return await RunAsync([.. Common(profile), "--dump-dom", url]);
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { }
        }
    }

    private static string[] Common(string profile) =>
        ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--hide-scrollbars",
         $"--user-data-dir={profile}", "--virtual-time-budget=15000", "--run-all-compositor-stages-before-draw"];

    private static async Task<string> RunAsync(string[] args)
    {
        var start = new ProcessStartInfo(Path!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish in 90 s: {await stderr}");
        }
        return await stdout;
    }
}

/// <summary>The playground page in a real headless browser against the server on 127.0.0.1: the panels the model's heads allow appear and show results.</summary>
[Collection(ServerCollection.Name)]
public sealed class PlaygroundBrowserTests(Checkpoints checkpoints)
{
    private static async Task<string> PageAsync(string model, string name)
    {
        await using var app = BertServer.Build(new BertServerOptions { ModelPath = model, Port = 0, ModelId = name });
        await app.StartAsync();
        await app.Services.GetRequiredService<Bert.Server.Inference.ModelHost>().WhenLoaded;
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        string? shots = Environment.GetEnvironmentVariable("BERT_PLAYGROUND_SCREENSHOTS");
        string dom = await HeadlessChromium.DumpDomAsync(address + "/", shots is null ? null : System.IO.Path.Combine(shots, name + ".png"));
        await app.StopAsync();
        return dom;
    }

    /// <summary>The page's script writes <c>&lt;div class="error"&gt;message</c> on a failed call (its own source has the template with "${").</summary>
    private static void AssertNoError(string dom) => Assert.DoesNotMatch("<div class=\"error\">[^$]", dom);

    [ChromiumFact]
    public async Task MaskedLM_ShowsSimilarityAndFillMask()
    {
        string dom = await PageAsync(checkpoints.MaskedLM, "synthetic-mlm");
        Assert.Contains("data-ready=\"true\"", dom);
        Assert.Contains("synthetic-mlm · 64 dims", dom);
        Assert.Contains("<section id=\"fillmask\">", dom);             // shown: no hidden attribute
        Assert.Contains("<section id=\"ner\" hidden=\"\">", dom);       // this model has no NER head
        Assert.Contains("stock market fell sharply", dom[dom.IndexOf("sim-out", StringComparison.Ordinal)..]); // ranked rows rendered
        Assert.Contains("<b>mask 1</b>", dom);
        AssertNoError(dom);
    }

    [ChromiumFact]
    public async Task TokenClassifier_HighlightsEntities()
    {
        string dom = await PageAsync(checkpoints.TokenClassifier, "synthetic-ner");
        Assert.Contains("data-ready=\"true\"", dom);
        Assert.Contains("<section id=\"ner\">", dom);
        Assert.Contains("<mark class=\"\">", dom);
        Assert.Contains("entities</div>", dom);
        AssertNoError(dom);
    }

    [ChromiumFact]
    public async Task QuestionAnswering_HighlightsTheAnswer()
    {
        string dom = await PageAsync(checkpoints.QuestionAnswering, "synthetic-qa");
        Assert.Contains("data-ready=\"true\"", dom);
        Assert.Contains("<mark class=\"answer\">", dom);
        Assert.Contains("answer: “", dom);
        AssertNoError(dom);
    }
}
