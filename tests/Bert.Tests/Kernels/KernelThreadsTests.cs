using Bert.Kernels;

namespace Bert.Tests.Kernels;

/// <summary>The worker pool runs every task exactly once and never hands one slot to two running tasks.</summary>
public unsafe class KernelThreadsTests
{
    private struct Probe
    {
        public int* Runs;      // [tasks] times each task ran
        public int* SlotBusy;  // [Concurrency] 1 while a task holds the slot
        public int Overlaps;   // tasks that found their slot already busy
    }

    private static void Body(void* context, int task, int slot)
    {
        var probe = (Probe*)context;
        if (Interlocked.Exchange(ref probe->SlotBusy[slot], 1) != 0) Interlocked.Increment(ref probe->Overlaps);
        Thread.SpinWait(200); // long enough for the tasks of different threads to overlap in time
        Interlocked.Increment(ref probe->Runs[task]);
        Volatile.Write(ref probe->SlotBusy[slot], 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(257)]
    public void EveryTaskRunsOnceAndSlotsAreExclusive(int tasks)
    {
        for (int repeat = 0; repeat < 20; repeat++)
        {
            var runs = new int[tasks];
            var busy = new int[KernelThreads.Concurrency];
            fixed (int* pr = runs, pb = busy)
            {
                var probe = new Probe { Runs = pr, SlotBusy = pb };
                KernelThreads.Run(&Body, &probe, tasks);
                Assert.Equal(0, probe.Overlaps);
            }
            Assert.All(runs, r => Assert.Equal(1, r));
        }
    }

    private struct Gauge
    {
        public int Running, Peak;
    }

    private static void Measure(void* context, int task, int slot)
    {
        var gauge = (Gauge*)context;
        int now = Interlocked.Increment(ref gauge->Running);
        int peak;
        while (now > (peak = Volatile.Read(ref gauge->Peak)) && Interlocked.CompareExchange(ref gauge->Peak, now, peak) != peak) { }
        Thread.SpinWait(500);
        Interlocked.Decrement(ref gauge->Running);
    }

    [Fact]
    public void ConcurrentCallersNeverRunMoreThanConcurrencyTasksAtOnce()
    {
        // The oversubscription policy: callers that find the pool busy wait for it instead of running tasks alongside.
        var gauge = new Gauge[1];
        var callers = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            fixed (Gauge* g = gauge)
                for (int r = 0; r < 30; r++) KernelThreads.Run(&Measure, g, 8);
        })).ToList();
        callers.ForEach(t => t.Start());
        callers.ForEach(t => t.Join());
        Assert.InRange(gauge[0].Peak, 1, KernelThreads.Concurrency);
    }

    [Fact]
    public void MaxThreadsCapsTheThreads()
    {
        // A job whose scratch has one slot runs on one thread at a time.
        var gauge = new Gauge[1];
        fixed (Gauge* g = gauge)
            for (int r = 0; r < 20; r++) KernelThreads.Run(&Measure, g, 8, maxThreads: 1);
        Assert.Equal(1, gauge[0].Peak);
    }
}
