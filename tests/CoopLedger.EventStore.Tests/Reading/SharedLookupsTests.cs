using System.Collections.Concurrent;
using System.Threading.Channels;
using CoopLedger.EventStore.Reading;

namespace CoopLedger.EventStore.Tests.Reading;

/// <summary>
/// The sharing itself, over a stand-in for the database whose queries the test holds and releases: that is the only
/// way to know for sure what is out when a lookup is asked.
/// </summary>
public sealed class SharedLookupsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Lookups_asked_while_a_query_is_out_share_the_next_one()
    {
        var database = new HeldDatabase();
        var lookups = new SharedLookups<int, string>(database.LookUpAsync);

        var first = lookups.LookUpAsync(0, Cancel);
        await database.QueryStarted(1);
        var waiting = Enumerable.Range(1, 20).Select(key => lookups.LookUpAsync(key % 10, Cancel)).ToList();
        database.ReleaseAll();

        Assert.Equal("0@0", await first);
        Assert.Equal(Enumerable.Range(1, 20).Select(key => $"{key % 10}@0"), await Task.WhenAll(waiting));
        Assert.Equal([[0], [.. Enumerable.Range(0, 10)]], database.Queries.Select(q => q.Order().ToArray()));
    }

    [Fact]
    public async Task A_lookup_asked_while_a_query_is_out_sees_what_changed_after_that_query_started()
    {
        var database = new HeldDatabase();
        var lookups = new SharedLookups<int, string>(database.LookUpAsync);
        var stale = lookups.LookUpAsync(1, Cancel);
        await database.QueryStarted(1);

        database.Commit();
        var fresh = lookups.LookUpAsync(1, Cancel);
        database.ReleaseAll();

        Assert.Equal("1@0", await stale);
        Assert.Equal("1@1", await fresh);
    }

    [Fact]
    public async Task A_failed_query_fails_every_lookup_it_carried_and_the_next_lookups_get_a_query_of_their_own()
    {
        var calls = 0;
        var lookups = new SharedLookups<int, string>((keys, _) => ++calls == 1
            ? throw new InvalidOperationException("database gone")
            : Task.FromResult<IReadOnlyDictionary<int, string>>(keys.ToDictionary(k => k, k => $"{k}")));

        await Assert.ThrowsAsync<InvalidOperationException>(() => lookups.LookUpAsync(1, Cancel));
        Assert.Equal("2", await lookups.LookUpAsync(2, Cancel));
    }

    [Fact]
    public async Task A_key_that_fails_a_shared_query_fails_only_its_own_callers()
    {
        var database = new HeldDatabase();
        var lookups = new SharedLookups<int, string>((keys, cancel) => keys.Contains(HeldDatabase.Poison)
            ? throw new InvalidOperationException("unreadable event")
            : database.LookUpAsync(keys, cancel));
        var first = lookups.LookUpAsync(0, Cancel);
        await database.QueryStarted(1);
        var poisoned = lookups.LookUpAsync(HeldDatabase.Poison, Cancel);
        var others = new[] { lookups.LookUpAsync(1, Cancel), lookups.LookUpAsync(2, Cancel) };
        database.ReleaseAll();

        Assert.Equal("0@0", await first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => poisoned);
        var answers = await Task.WhenAll(others);
        Assert.Equal("1@0", answers[0]);
        Assert.Equal("2@0", answers[1]);
    }

    [Fact]
    public async Task A_caller_who_gives_up_leaves_the_others_their_answers_and_a_key_not_found_is_the_default()
    {
        var database = new HeldDatabase();
        var lookups = new SharedLookups<int, string>(database.LookUpAsync);
        _ = lookups.LookUpAsync(0, Cancel);
        await database.QueryStarted(1);
        using var giveUp = new CancellationTokenSource();
        var abandoned = lookups.LookUpAsync(1, giveUp.Token);
        var kept = lookups.LookUpAsync(2, Cancel);
        var missing = lookups.LookUpAsync(HeldDatabase.Missing, Cancel);

        await giveUp.CancelAsync();
        database.ReleaseAll();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.Equal("2@0", await kept);
        Assert.Null(await missing);
    }

    /// <summary>Answers each key with its value at the query's start; every query waits until released.</summary>
    private sealed class HeldDatabase
    {
        public const int Missing = -1;

        public const int Poison = 13;

        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Channel<int> _started = Channel.CreateUnbounded<int>();
        private int _version;

        public ConcurrentQueue<int[]> Queries { get; } = new();

        public void Commit() => Interlocked.Increment(ref _version);

        public void ReleaseAll() => _release.TrySetResult();

        public async Task QueryStarted(int count)
        {
            for (var i = 0; i < count; i++)
            {
                await _started.Reader.ReadAsync(Cancel).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Cancel);
            }
        }

        public async Task<IReadOnlyDictionary<int, string>> LookUpAsync(IReadOnlyCollection<int> keys, CancellationToken cancellationToken)
        {
            var snapshot = Volatile.Read(ref _version);
            Queries.Enqueue([.. keys]);
            _started.Writer.TryWrite(keys.Count);
            await _release.Task.WaitAsync(cancellationToken);
            return keys.Where(k => k != Missing).ToDictionary(k => k, k => $"{k}@{snapshot}");
        }
    }
}
