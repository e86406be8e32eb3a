using System.Diagnostics;

namespace Bert.Kernels;

/// <summary>
/// One process-wide worker pool for the kernels: one job at a time, split into numbered tasks that the calling thread
/// and the workers take from a shared counter. Zero allocation per job: the job is a function pointer plus a pointer
/// to a context struct on the caller's stack (valid because the caller waits until every task is done).
/// </summary>
/// <remarks>
/// <para>Why not Parallel.For: it allocates closures and task objects per call and wakes pool threads slowly; a forward
/// pass makes ~100 parallel calls of 0.05–5 ms each.</para>
/// <para>Oversubscription policy: at most <see cref="Concurrency"/> threads ever run kernel work. A caller that finds
/// the pool busy with another caller's job waits for it (jobs of concurrent forward passes interleave, each using all
/// <see cref="Concurrency"/> threads) instead of adding a thread of its own. Only a job started from inside a running
/// task (nested) runs inline, since waiting for the pool there would deadlock.</para>
/// </remarks>
internal static unsafe class KernelThreads
{
    /// <summary>Upper bound of <see cref="Concurrency"/>: the logical cores (at most 64).</summary>
    public static readonly int MaxConcurrency = Math.Min(Environment.ProcessorCount, 64);

    private static readonly SemaphoreSlim Pool = new(1, 1);         // held by the thread running a job
    private static readonly SemaphoreSlim[] Wake = CreateWakeSignals();
    private static readonly Lock StartGate = new();
    private static int s_concurrency = ThreadsFromEnvironment();
    private static int s_startedWorkers;
    [ThreadStatic] private static bool t_inJob;                     // true on workers and on a caller during its job

    // The job being run (written by the thread holding Pool, before workers are released).
    private static delegate*<void*, int, int, void> s_body;
    private static void* s_context;
    private static int s_taskCount;
    private static int s_jobThreads;    // slots 0..s_jobThreads−1 take part
    private static int s_nextTask;
    private static int s_doneTasks;
    private static bool s_jobOpen;      // a worker reads the job fields only while this is true (written after them)
    private static int s_activeWorkers; // workers between their check of s_jobOpen and leaving the job
    private static int s_generation;    // jobs opened so far

    /// <summary>
    /// Threads that run a job: the caller plus the workers. Starts at BERT_KERNEL_THREADS (1..cores) or all cores;
    /// <see cref="BertModel.KernelThreadCount"/> sets it. A change applies from the next job.
    /// </summary>
    public static int Concurrency
    {
        get => Volatile.Read(ref s_concurrency);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxConcurrency);
            Volatile.Write(ref s_concurrency, value);
        }
    }

    /// <summary>
    /// Runs body(context, t, slot) for every t in [0, taskCount), in parallel when worth it; returns when all are done.
    /// slot ∈ [0, min(<see cref="Concurrency"/>, maxThreads)) is unique among the threads running this job at the same
    /// time, so a task may use slot's share of a scratch buffer that the caller sized for that many threads.
    /// </summary>
    public static void Run(delegate*<void*, int, int, void> body, void* context, int taskCount, int maxThreads = int.MaxValue)
    {
        if (taskCount <= 0) return;
        int threads = Math.Min(Math.Min(Concurrency, maxThreads), taskCount);
        if (threads <= 1 || t_inJob)
        {
            for (int t = 0; t < taskCount; t++) body(context, t, 0);
            return;
        }
        Pool.Wait();
        t_inJob = true;
        try
        {
            EnsureStarted(threads - 1);
            s_body = body;
            s_context = context;
            s_taskCount = taskCount;
            s_jobThreads = threads;
            s_doneTasks = 0;
            s_nextTask = 0;
            Volatile.Write(ref s_jobOpen, true);
            Interlocked.Increment(ref s_generation); // wakes spinning workers; the releases below wake blocked ones
            for (int w = 1; w < threads; w++) Wake[w].Release();
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
            t_inJob = false;
            Pool.Release();
        }
    }

    // BERT_KERNEL_THREADS (1..cores) caps the threads, e.g. to leave cores to other work; default: all cores.
    private static int ThreadsFromEnvironment()
    {
        int cores = Math.Min(Environment.ProcessorCount, 64);
        return int.TryParse(Environment.GetEnvironmentVariable("BERT_KERNEL_THREADS"), out int n) && n >= 1 ? Math.Min(n, cores) : cores;
    }

    private static SemaphoreSlim[] CreateWakeSignals()
    {
        var signals = new SemaphoreSlim[MaxConcurrency];
        for (int i = 0; i < signals.Length; i++) signals[i] = new SemaphoreSlim(0);
        return signals;
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

    private static void EnsureStarted(int workers)
    {
        if (Volatile.Read(ref s_startedWorkers) >= workers) return;
        lock (StartGate)
        {
            for (int i = s_startedWorkers + 1; i <= workers; i++)
                new Thread(WorkerLoop) { IsBackground = true, Name = $"Bert kernel worker {i}" }.Start(i);
            if (workers > s_startedWorkers) Volatile.Write(ref s_startedWorkers, workers);
        }
    }

    private static void WorkerLoop(object? state)
    {
        int slot = (int)state!, seen = Volatile.Read(ref s_generation);
        t_inJob = true;
        while (true)
        {
            // Why spin first: a forward pass issues jobs back to back (~0.05–5 ms apart); waking a blocked thread
            // costs tens of µs, a large share of a seq-8 GEMM. After ~50 µs without a job the worker blocks.
            long deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 20_000;
            while (Volatile.Read(ref s_generation) == seen && Stopwatch.GetTimestamp() < deadline) Thread.SpinWait(16);
            if (Volatile.Read(ref s_generation) == seen) Wake[slot].Wait(); // releases are counted, so none is lost
            else Wake[slot].Wait(0); // saw the job while spinning: drop its release, so stale ones do not pile up
            seen = Volatile.Read(ref s_generation);
            Interlocked.Increment(ref s_activeWorkers);
            // Kernels validate arguments before Run: bodies do not throw. A worker whose slot is not part of this
            // job (fewer threads asked) stays out.
            if (Volatile.Read(ref s_jobOpen) && slot < Volatile.Read(ref s_jobThreads)) RunTasks(slot);
            Interlocked.Decrement(ref s_activeWorkers);
        }
    }
}
