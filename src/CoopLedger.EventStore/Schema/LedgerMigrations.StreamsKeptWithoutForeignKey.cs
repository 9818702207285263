namespace CoopLedger.EventStore.Schema;

public static partial class LedgerMigrations
{
    /// <summary>
    /// Migration 10: events no longer reference their stream by a foreign key. The key checked, for every event
    /// inserted, what the append had just made sure of under the stream row's lock (ledger.append and
    /// ledger.append_group move or create the stream row before inserting its events, in the same statement or
    /// transaction): a query per event, about a seventh of a group's time in PostgreSQL (`docs/BENCHMARKS.md`). That a
    /// stream is never removed from under its events, a trigger now guards at no cost to appends: the streams table
    /// refuses DELETE and TRUNCATE, as a ledger should. What the key also refused can only come from writing to the
    /// tables by hand: a stream's id changed (refused since migration 11), and an event inserted for a stream that does
    /// not exist (which nothing refuses, and <c>StreamVerifier</c> finds).
    /// </summary>
    private const string StreamsKeptWithoutForeignKey = """
        ALTER TABLE ledger.events DROP CONSTRAINT events_stream_id_fkey;

        CREATE FUNCTION ledger.refuse_stream_removal() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'streams are never removed from the ledger (their events would lose their stream)'
                USING ERRCODE = 'restrict_violation';
        END
        $$;

        CREATE TRIGGER streams_never_removed BEFORE DELETE OR TRUNCATE ON ledger.streams
            FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_stream_removal();
        """;
}
