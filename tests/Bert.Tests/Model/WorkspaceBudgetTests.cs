namespace Bert.Tests.Model;

/// <summary>The workspace of a rare huge batch is not kept: it is freed after a call over the budget, or on request.</summary>
public class WorkspaceBudgetTests
{
    private static readonly RandomCheckpoint Checkpoint = new(RandomCheckpoint.TinyConfig(), seed: 61);

    private static float[] Run(BertModel model, int tokens)
    {
        var ids = Enumerable.Range(0, tokens).Select(i => i % Checkpoint.Config.VocabSize).ToArray();
        var cu = Enumerable.Range(0, tokens / 4 + 1).Select(i => Math.Min(tokens, 4 * i)).Distinct().ToArray();
        if (cu[^1] != tokens) cu = [.. cu, tokens];
        var hidden = new float[tokens * Checkpoint.Config.HiddenSize];
        model.Forward(new BertPackedInput(ids, default, cu), new BertOutputs { LastHiddenState = hidden });
        return hidden;
    }

    [Fact]
    public void CallsOverTheBudgetFreeTheirWorkspaceAndWithinItKeepIt()
    {
        using var model = BertModel.FromWeights(Checkpoint.Config, Checkpoint);
        using var unlimited = BertModel.FromWeights(Checkpoint.Config, Checkpoint);
        Assert.Equal(256L << 20, model.RetainedWorkspaceBytes);
        var small = Run(model, 8);
        long smallBytes = model.WorkspaceBytes;
        Assert.True(smallBytes > 0);

        model.RetainedWorkspaceBytes = smallBytes; // 8 tokens fit, 400 do not
        var large = Run(model, 400);
        Assert.Equal(0, model.WorkspaceBytes);
        Assert.Equal(Run(unlimited, 400), large); // same results, only the buffers' lifetime differs
        Assert.Equal(small, Run(model, 8));
        Assert.Equal(smallBytes, model.WorkspaceBytes);

        model.ReleaseWorkspace();
        Assert.Equal(0, model.WorkspaceBytes);
        Assert.Equal(small, Run(model, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.RetainedWorkspaceBytes = -1);
    }

    [Fact]
    public void KernelThreadCountIsValidated()
    {
        int before = BertModel.KernelThreadCount;
        Assert.InRange(before, 1, Environment.ProcessorCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => BertModel.KernelThreadCount = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => BertModel.KernelThreadCount = Environment.ProcessorCount + 1);
        Assert.Equal(before, BertModel.KernelThreadCount);
    }
}
