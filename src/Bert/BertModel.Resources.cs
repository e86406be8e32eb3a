using Bert.Kernels;

namespace Bert;

public sealed partial class BertModel
{
    /// <summary>
    /// Threads the kernels use, process-wide (as <c>torch.set_num_threads</c> or ORT's intra-op threads): 1..cores.
    /// Initially the <c>BERT_KERNEL_THREADS</c> environment variable, else all cores.
    /// </summary>
    /// <remarks>
    /// All models share one worker pool that runs one kernel job at a time on these threads. Forward passes on several
    /// models or threads at once therefore never run more than this many kernel threads: their kernel jobs take turns
    /// on the pool (each job uses all of its threads), instead of each caller adding its own. A change applies from
    /// the next kernel job. With 1, every caller runs its kernels on its own thread.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above <see cref="Environment.ProcessorCount"/> (at most 64).</exception>
    public static int KernelThreadCount
    {
        get => KernelThreads.Concurrency;
        set => KernelThreads.Concurrency = value;
    }

    /// <summary>
    /// Most bytes of forward-pass workspace kept between calls (default 256 MiB; BERT-Base needs ~30 KiB per token, so
    /// ~8,700 tokens). A call that needs more allocates what it needs and frees it when it ends, so a rare huge batch
    /// does not stay pinned for the model's lifetime; calls within the budget reuse the workspace and allocate nothing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long RetainedWorkspaceBytes
    {
        get => _network.RetainedWorkspaceBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            lock (_gate) _network.RetainedWorkspaceBytes = value;
        }
    }

    /// <summary>Bytes of forward-pass workspace this model holds now (activations of the largest retained batch).</summary>
    public long WorkspaceBytes
    {
        get
        {
            lock (_gate) return _network.WorkspaceBytes;
        }
    }

    /// <summary>Frees the forward-pass workspace now (e.g. after a burst of large batches); the next call allocates it again.</summary>
    public void ReleaseWorkspace()
    {
        lock (_gate) _network.ReleaseWorkspace();
    }
}
