using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace CoopLedger.EventStore.Projections;

/// <summary>
/// Runs tasks on one dedicated thread of lower operating-system priority: the projections' folds, which can wait,
/// then take the processor only when requests leave it free, instead of sharing it with them as equals. On a small
/// machine under load a batch's fold otherwise holds a core for tens of milliseconds, and every request that arrives
/// meanwhile waits behind it (commands' p99 latency, docs/BENCHMARKS.md).
/// </summary>
/// <remarks>
/// Code run here that awaits without <c>ConfigureAwait(false)</c> comes back here; the I/O it awaits completes
/// elsewhere. A lower priority never starves the fold: the scheduler still gives it a share of a busy processor.
/// </remarks>
public sealed class BackgroundScheduler : TaskScheduler, IDisposable
{
    /// <summary>How much lower than the requests' threads the thread runs, as a Unix nice value (0 to 19).</summary>
    public const int Niceness = 10;

    private readonly BlockingCollection<Task> _queue = [];
    private readonly Thread _thread;
    private int _disposed;

    /// <summary>Starts the thread, named <paramref name="name"/>.</summary>
    public BackgroundScheduler(string name)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Whether the thread's priority was lowered (false where the operating system refused).</summary>
    public bool Lowered { get; private set; }

    /// <summary>Runs <paramref name="work"/> here and gives its task.</summary>
    public Task RunAsync(Func<Task> work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.DenyChildAttach, this).Unwrap();

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => 1;

    /// <inheritdoc />
    protected override void QueueTask(Task task)
    {
        try
        {
            _queue.Add(task);
        }
        catch (Exception disposed) when (disposed is InvalidOperationException or ObjectDisposedException)
        {
            // The thread is gone: work started before (or given after) still runs to its end, at the usual priority.
            ThreadPool.UnsafeQueueUserWorkItem(queued => TryExecuteTask(queued), task, preferLocal: false);
        }
    }

    /// <inheritdoc />
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Thread.CurrentThread == _thread && TryExecuteTask(task);

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    /// <summary>Ends the thread once the tasks queued are done (again: nothing more).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
    }

    private void Run()
    {
        Lowered = Lower();
        foreach (var task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }

    /// <summary>Lowers the calling thread's priority.</summary>
    private static bool Lower()
    {
        if (OperatingSystem.IsLinux())
        {
            // On Linux a nice value belongs to each thread (setpriority(2)), and raising one's own needs no privilege.
            // gettid needs glibc 2.30: on an older one the thread keeps its priority rather than ending the process.
            try
            {
                return SetPriority(0, GetThreadId(), Niceness) == 0;
            }
            catch (EntryPointNotFoundException)
            {
                return false;
            }
        }

        Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
        return true;
    }

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();
}
