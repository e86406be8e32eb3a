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
}
