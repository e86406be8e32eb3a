namespace Bert.Cli.Tests;

/// <summary>Exit codes (0 ok, 1 usage, 2 input or model error) and one-line errors on stderr.</summary>
public sealed class ErrorTests(CliFolders folders) : IClassFixture<CliFolders>
{
    [Fact]
    public void Unknown_command_or_missing_required_option_is_a_usage_error()
    {
        var unknown = BertTool.Run("frobnicate");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("frobnicate", unknown.Stderr);
        Assert.Equal("", unknown.Stdout);
        var missing = BertTool.Run("encode", "text");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("--model", missing.Stderr);
    }

    [Fact]
    public void Missing_model_folder_is_one_line_exit_2_without_a_stack_trace()
    {
        var r = BertTool.Run("encode", "-m", folders.File("no-such-folder"), "text");
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void Verbose_adds_the_stack_trace()
    {
        var r = BertTool.Run("encode", "-m", folders.File("no-such-folder"), "--verbose", "text");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("   at ", r.Stderr);
    }

    [Fact]
    public void A_task_the_checkpoint_has_no_head_for_is_a_model_error()
    {
        var r = BertTool.Run("fill-mask", "-m", folders.Model, "a [MASK]");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("cls.predictions", r.Stderr);
    }

    [Fact]
    public void Unreachable_hub_for_a_model_id_is_exit_2_naming_the_endpoint()
    {
        var r = BertTool.Run("encode", "-m", "some-org/some-model", "text");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("127.0.0.1:9", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void Empty_input_and_npy_to_stdout_are_rejected_clearly()
    {
        var empty = BertTool.Run(["encode", "-m", folders.Model], stdin: "\n\n");
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("No non-empty lines", empty.Stderr);
        var npy = BertTool.Run("encode", "-m", folders.Model, "--format", "npy", "x");
        Assert.Equal(1, npy.ExitCode);
        Assert.Contains("--output", npy.Stderr);
    }
}
