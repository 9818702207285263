using System.Collections.Concurrent;

namespace CoopLedger.EventStore.Reading;

/// <summary>
/// Lookups that share round trips: one that arrives while another is out waits for the next, which answers every
/// lookup that waited, in one query. Each lookup is still answered by a query that started after it arrived, so it
/// sees everything committed before it was asked: as fresh as a query of its own.
/// </summary>
/// <remarks>
/// Under load most of a small query's cost is the round trip itself (on both sides: a send, a wake-up, a receive) and
/// the statement's fixed work in PostgreSQL, not its rows. Alone, a lookup is sent at once; the busier the database,
/// the longer a query is out, and the more lookups the next one carries.
/// </remarks>
/// <typeparam name="TKey">What is looked up.</typeparam>
/// <typeparam name="TValue">What is answered for it.</typeparam>
/// <param name="lookUp">Answers the keys given (distinct) in one query; a key it does not answer gets the default value.</param>
/// <param name="maxKeys">How many keys one query takes at most.</param>
public sealed class SharedLookups<TKey, TValue>(
    Func<IReadOnlyCollection<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> lookUp, int maxKeys = 256)
    where TKey : notnull
{
    private readonly ConcurrentQueue<(TKey Key, TaskCompletionSource<TValue?> Answer)> _waiting = new();
    private int _running;

    /// <summary>Looks a key up, in the next query sent.</summary>
    public Task<TValue?> LookUpAsync(TKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var answer = new TaskCompletionSource<TValue?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Enqueue((key, answer));
        if (Interlocked.CompareExchange(ref _running, 1, 0) == 0)
        {
            // Not in this caller's context (its trace, its request): the queries it sends are everyone's.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(RunAsync, CancellationToken.None);
            }
        }

        return answer.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Sends queries while lookups wait, then stops.</summary>
    private async Task RunAsync()
    {
        while (true)
        {
            var taken = new List<(TKey Key, TaskCompletionSource<TValue?> Answer)>();
            while (taken.Count < maxKeys && _waiting.TryDequeue(out var waiting))
            {
                taken.Add(waiting);
            }

            if (taken.Count == 0)
            {
                // A full fence, so that the look at the queue below comes after the flag is cleared: a lookup queued
                // after the queue was found empty and before the flag was cleared is then either seen here or starts a
                // runner of its own.
                Interlocked.Exchange(ref _running, 0);
                if (_waiting.IsEmpty || Interlocked.CompareExchange(ref _running, 1, 0) != 0)
                {
                    return;
                }

                continue;
            }

            await AnswerAsync(taken).ConfigureAwait(false);
        }
    }

    private async Task AnswerAsync(List<(TKey Key, TaskCompletionSource<TValue?> Answer)> taken)
    {
        var keys = taken.Select(t => t.Key).Distinct().ToList();
        try
        {
            // Not cancelled by any one caller: the query is everyone's (the data source's command timeout bounds it).
            var answers = await lookUp(keys, CancellationToken.None).ConfigureAwait(false);
            foreach (var (key, answer) in taken)
            {
                answer.TrySetResult(answers.TryGetValue(key, out var value) ? value : default);
            }
        }
#pragma warning disable CA1031 // Whatever failed the query (the database gone, a timeout) is each waiting caller's to see.
        catch (Exception) when (keys.Count > 1)
        {
            // One key may be at fault (say, an event that cannot be read): each is looked up alone, so that only its
            // own callers fail, as they would have with queries of their own.
            foreach (var key in keys)
            {
                await AnswerAsync([.. taken.Where(t => EqualityComparer<TKey>.Default.Equals(t.Key, key))]).ConfigureAwait(false);
            }
        }
        catch (Exception failure)
#pragma warning restore CA1031
        {
            foreach (var (_, answer) in taken)
            {
                answer.TrySetException(failure);
            }
        }
    }
}
