using CoopLedger.EventStore.Projections;

namespace CoopLedger.EventStore.Tests.Projections;

/// <summary>Work given to the background scheduler runs on its one thread of lower priority, awaits included.</summary>
public sealed class BackgroundSchedulerTests
{
    [Fact]
    public async Task Work_and_its_continuations_run_on_the_lowered_thread_and_its_failures_reach_the_caller()
    {
        using var scheduler = new BackgroundScheduler("test folds");
        var threads = new List<string?>();
        var nice = 0;

        await scheduler.RunAsync(async () =>
        {
            threads.Add(Thread.CurrentThread.Name);
            await Task.Yield();
            threads.Add(Thread.CurrentThread.Name);
            await Task.Delay(10);
            threads.Add(Thread.CurrentThread.Name);
            nice = OperatingSystem.IsLinux() ? NiceOfThisThread() : BackgroundScheduler.Niceness;
        }, CancellationToken.None);

        Assert.Equal(["test folds", "test folds", "test folds"], threads);
        Assert.True(scheduler.Lowered);
        Assert.Equal(BackgroundScheduler.Niceness, nice);
        await Assert.ThrowsAsync<InvalidOperationException>(() => scheduler.RunAsync(() => throw new InvalidOperationException("poison"), CancellationToken.None));
    }

    /// <summary>The calling thread's nice value, as Linux reports it (field 19 of its stat line).</summary>
    private static int NiceOfThisThread()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Work_under_way_when_it_is_disposed_and_work_given_after_still_run_to_their_end()
    {
        var scheduler = new BackgroundScheduler("disposed folds");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var underWay = scheduler.RunAsync(async () => await gate.Task, CancellationToken.None);

        scheduler.Dispose();
        scheduler.Dispose();
        gate.SetResult();

        await underWay.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var ran = false;
        await scheduler.RunAsync(async () =>
        {
            await Task.Yield();
            ran = true;
        }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(ran);
    }
}
