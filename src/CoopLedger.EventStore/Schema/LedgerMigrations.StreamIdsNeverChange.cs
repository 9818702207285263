namespace CoopLedger.EventStore.Schema;

public static partial class LedgerMigrations
{
    /// <summary>
    /// Migration 11: a stream's id never changes. The foreign key dropped by migration 10 also refused a stream's id
    /// changed under its events; the streams table's guard now refuses that too. It fires only for an UPDATE that sets
    /// stream_id, which no append does: appends pay nothing for it.
    /// </summary>
    private const string StreamIdsNeverChange = """
        CREATE OR REPLACE FUNCTION ledger.refuse_stream_removal() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'streams are never removed from the ledger nor given another id (their events would lose their stream)'
                USING ERRCODE = 'restrict_violation';
        END
        $$;

        CREATE TRIGGER stream_ids_never_change BEFORE UPDATE OF stream_id ON ledger.streams
            FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_stream_removal();
        """;
}
