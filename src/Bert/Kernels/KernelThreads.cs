using System.Diagnostics;

namespace Bert.Kernels;

/// <summary>
/// A tiny persistent worker pool for the kernels: one job at a time, split into numbered tasks that the calling
/// thread and the workers take from a shared counter. Zero allocation per job: the job is a function pointer plus a
/// pointer to a context struct on the caller's stack (valid because the caller waits until every task is done).
/// </summary>
/// <remarks>
/// Why not Parallel.For: it allocates closures and task objects per call and wakes pool threads slowly; a forward pass
/// makes ~100 parallel calls of 0.05–5 ms each. When another thread already runs a job, the caller runs its tasks
/// alone rather than queueing (kernels are correct for any split).
/// </remarks>
internal static unsafe class KernelThreads
{
    private static int s_busy; // 1 while a job runs; not a Monitor, because a Monitor is re-entrant for its owner
    private static readonly SemaphoreSlim Start = new(0);
    private static readonly int WorkerCount = Math.Max(0, ThreadsFromEnvironment() - 1);
    private static bool s_started;

    // The job being run (written by the thread that set s_busy, before workers are released).
    private static delegate*<void*, int, int, void> s_body;
    private static void* s_context;
    private static int s_taskCount;
    private static int s_nextTask;
    private static int s_doneTasks;
    private static bool s_jobOpen;     // a worker reads the job fields only while this is true (written after them)
    private static int s_activeWorkers; // workers between their check of s_jobOpen and leaving the job
    private static int s_generation;    // jobs opened so far

    /// <summary>Threads that run a job: the caller plus the workers.</summary>
    public static int Concurrency => WorkerCount + 1;

    /// <summary>
    /// Runs body(context, t, slot) for every t in [0, taskCount), in parallel when worth it; returns when all are done.
    /// slot ∈ [0, <see cref="Concurrency"/>) is unique among the threads running this job at the same time, so a task
    /// may use slot's share of a scratch buffer that the caller sized for Concurrency threads.
    /// </summary>
    public static void Run(delegate*<void*, int, int, void> body, void* context, int taskCount)
    {
        if (taskCount <= 0) return;
        if (taskCount == 1 || WorkerCount == 0 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int t = 0; t < taskCount; t++) body(context, t, 0);
            return;
        }
        try
        {
            EnsureStarted();
            s_body = body;
            s_context = context;
            s_taskCount = taskCount;
            s_doneTasks = 0;
            s_nextTask = 0;
            Volatile.Write(ref s_jobOpen, true);
            Interlocked.Increment(ref s_generation); // wakes spinning workers; the release below wakes blocked ones
            Start.Release(Math.Min(WorkerCount, taskCount - 1));
            RunTasks(0);
            // Why wait on finished tasks rather than on released workers: a worker that wakes late (the cores are
            // shared) must not delay the caller; it finds the job closed and goes back to sleep.
            // Why spin: what is left is at most one task per worker (microseconds to a millisecond).
            var spin = new SpinWait();
            while (Volatile.Read(ref s_doneTasks) != taskCount) spin.SpinOnce(sleep1Threshold: -1);
            Volatile.Write(ref s_jobOpen, false);
            while (Volatile.Read(ref s_activeWorkers) != 0) spin.SpinOnce(sleep1Threshold: -1); // they only leave
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    // BERT_KERNEL_THREADS (1..ProcessorCount) caps the threads, e.g. to leave cores to other work; default: all cores.
    private static int ThreadsFromEnvironment()
    {
        int cores = Math.Min(Environment.ProcessorCount, 64);
        return int.TryParse(Environment.GetEnvironmentVariable("BERT_KERNEL_THREADS"), out int n) && n >= 1 ? Math.Min(n, cores) : cores;
    }

    private static void RunTasks(int slot)
    {
        int t;
        while ((t = Interlocked.Increment(ref s_nextTask) - 1) < s_taskCount)
        {
            s_body(s_context, t, slot);
            Interlocked.Increment(ref s_doneTasks);
        }
    }

    private static void EnsureStarted()
    {
        if (s_started) return;
        for (int i = 1; i <= WorkerCount; i++)
            new Thread(WorkerLoop) { IsBackground = true, Name = $"Bert kernel worker {i}" }.Start(i);
        s_started = true;
    }

    private static void WorkerLoop(object? state)
    {
        int slot = (int)state!, seen = 0;
        while (true)
        {
            // Why spin first: a forward pass issues jobs back to back (~0.05–5 ms apart); waking a blocked thread
            // costs tens of µs, a large share of a seq-8 GEMM. After ~50 µs without a job the worker blocks.
            long deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 20_000;
            while (Volatile.Read(ref s_generation) == seen && Stopwatch.GetTimestamp() < deadline) Thread.SpinWait(16);
            if (Volatile.Read(ref s_generation) == seen) Start.Wait(); // releases are counted, so none is lost
            seen = Volatile.Read(ref s_generation);
            Interlocked.Increment(ref s_activeWorkers);
            if (Volatile.Read(ref s_jobOpen)) RunTasks(slot); // kernels validate arguments before Run: bodies do not throw
            Interlocked.Decrement(ref s_activeWorkers);
        }
    }
}
