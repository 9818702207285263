namespace CoopLedger.EventStore.Schema;

public static partial class LedgerMigrations
{
    /// <summary>
    /// Migration 9: a group commit is one statement. The function of migration 8 ran a dozen statements and PL/pgSQL
    /// loops over the events (a group of four one-event appends cost PostgreSQL 0.59–0.66 ms in pgbench, now 0.49–0.50);
    /// the store now leaves the appends that need more than one statement (an idempotency key, a stream twice) to run
    /// alone, and reads the answer as a row per event.
    /// </summary>
    private const string GroupInOneStatement = """
        -- Raised when a group's statement finds a stream moved by a transaction that committed after the statement's
        -- snapshot was taken (between it and the lock): the stream's previous event is not in that snapshot, so its
        -- hash cannot be chained from. The group rolls back; the store runs its statement once more (a new snapshot),
        -- then its appends each through ledger.append, which reads the previous event in a statement of its own, after
        -- the lock.
        CREATE FUNCTION ledger.unseen_chain_head(p_stream_id uuid, p_version bigint) RETURNS bytea
        LANGUAGE plpgsql VOLATILE AS $$
        BEGIN
            RAISE EXCEPTION 'version % of stream % committed after the group''s snapshot: run its appends again', p_version, p_stream_id
                USING ERRCODE = 'serialization_failure';
        END
        $$;

        DROP FUNCTION ledger.append_group(uuid[], text[], bigint[], int[], text[], text[], text[], text[], text[], uuid[], text[], int[], jsonb[], timestamptz[]);

        -- Appends a group of appends in one statement. Appends come as arrays, one entry per append (p_firsts: where its
        -- events start in the event arrays), each to a different stream and none with an idempotency key: those the
        -- store runs alone through ledger.append (a key's check must read the stream's events after the lock, which one
        -- statement cannot do, its snapshot being older than the lock; and a statement moves a row once). Done here:
        -- appends to an existing stream that no other transaction holds (locked, version checked, moved) and appends
        -- starting a stream (expected version 0: a new stream row, or one at version 0 as ledger.append leaves it). A version that does not match is a conflict. An append whose stream
        -- another transaction holds (a command deciding under its stream's lock: the group waits for no one), or that
        -- the statement does not see, gets no row: nothing of it is written, and the store runs it alone.
        -- The answer has a row per event written ('appended': its version, position, recording instant, log order,
        -- business time, previous hash and hash) and a row per conflict (the stream's version), each with its append's
        -- place in the arrays; rows with no particular order.
        CREATE FUNCTION ledger.append_group(
            p_stream_ids uuid[], p_stream_types text[], p_expected_versions bigint[], p_counts int[], p_firsts int[],
            p_actors text[], p_reasons text[], p_correlation_ids text[], p_causation_ids text[],
            p_event_ids uuid[], p_types text[], p_schema_versions int[], p_data jsonb[], p_effective_at timestamptz[])
        RETURNS TABLE (append int, outcome text, version bigint, event_position bigint, recorded timestamptz,
            transaction_number bigint, log_order_number bigint, effective timestamptz, previous_hash bytea, hash bytea)
        -- One statement, planned once per session with every lookup by key: planned for each call's array sizes it
        -- would cost more to plan than to run, and planned while the tables are small it would scan them as they grow.
        LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $$
        BEGIN
            RETURN QUERY
            WITH RECURSIVE
            -- In one order, so that two groups never wait for each other; a stream held elsewhere is skipped.
            locked AS (
                SELECT s.stream_id, s.version FROM ledger.streams s
                WHERE s.stream_id = ANY (p_stream_ids) ORDER BY s.stream_id FOR UPDATE SKIP LOCKED
            ),
            -- clock_timestamp() is read under the lock, so recorded_at never goes back within a stream.
            moved AS (
                UPDATE ledger.streams s SET version = s.version + a.count, updated_at = clock_timestamp()
                FROM locked l
                JOIN unnest(p_stream_ids, p_expected_versions, p_counts) WITH ORDINALITY AS a(stream_id, expected, count, n)
                    ON a.stream_id = l.stream_id
                WHERE s.stream_id = l.stream_id AND (a.expected < 0 OR s.version = a.expected)
                RETURNING a.n::int AS n, s.stream_id, s.version - a.count AS before, s.updated_at AS recorded
            ),
            created AS (
                INSERT INTO ledger.streams AS s (stream_id, stream_type, version, created_at, updated_at)
                SELECT a.stream_id, a.stream_type, a.count, clock_timestamp(), clock_timestamp()
                FROM unnest(p_stream_ids, p_stream_types, p_expected_versions, p_counts) AS a(stream_id, stream_type, expected, count)
                WHERE a.expected = 0
                ON CONFLICT (stream_id) DO NOTHING
                RETURNING s.stream_id, s.updated_at AS recorded
            ),
            -- Each append done here, with the hash its first event chains from. A stream's events never go before its
            -- previous one in the log's order (migration 5).
            heads AS (
                SELECT m.n, m.stream_id, m.before, m.recorded, greatest(pg_current_xact_id(), p.log_order) AS log_order,
                    CASE WHEN m.before > 0 AND p.hash IS NULL THEN ledger.unseen_chain_head(m.stream_id, m.before) ELSE p.hash END AS chained_from
                FROM moved m
                LEFT JOIN ledger.events p ON p.stream_id = m.stream_id AND p.version = m.before
                UNION ALL
                SELECT array_position(p_stream_ids, c.stream_id), c.stream_id, 0, c.recorded, pg_current_xact_id(), NULL
                FROM created c
            ),
            -- Hashes chain one event to the next: each step hashes every append's next event (e: its place in the
            -- event arrays). Business time defaults to the recording time.
            chain AS (
                SELECT h.n, p_firsts[h.n] AS e, h.before + 1 AS version, h.chained_from AS previous,
                    ledger.event_hash(h.chained_from, h.stream_id, h.before + 1, p_types[p_firsts[h.n]], p_schema_versions[p_firsts[h.n]],
                        p_data[p_firsts[h.n]], coalesce(p_effective_at[p_firsts[h.n]], h.recorded), h.recorded, p_actors[h.n], p_reasons[h.n]) AS hash
                FROM heads h
                WHERE p_counts[h.n] > 0
                UNION ALL
                SELECT c.n, c.e + 1, c.version + 1, c.hash,
                    ledger.event_hash(c.hash, p_stream_ids[c.n], c.version + 1, p_types[c.e + 1], p_schema_versions[c.e + 1],
                        p_data[c.e + 1], coalesce(p_effective_at[c.e + 1], h.recorded), h.recorded, p_actors[c.n], p_reasons[c.n])
                FROM chain c JOIN heads h ON h.n = c.n
                WHERE c.e + 1 < p_firsts[c.n] + p_counts[c.n]
            ),
            inserted AS (
                INSERT INTO ledger.events AS x (event_id, stream_id, version, type, schema_version, data, recorded_at,
                    effective_at, actor, reason, correlation_id, causation_id, log_order, previous_hash, hash)
                SELECT p_event_ids[c.e], h.stream_id, c.version, p_types[c.e], p_schema_versions[c.e], p_data[c.e], h.recorded,
                    coalesce(p_effective_at[c.e], h.recorded), p_actors[c.n], p_reasons[c.n], p_correlation_ids[c.n],
                    p_causation_ids[c.n], h.log_order, c.previous, c.hash
                FROM chain c JOIN heads h ON h.n = c.n
                -- Positions in the order of the arrays: an append's events together, in version order.
                ORDER BY c.e
                RETURNING array_position(p_stream_ids, x.stream_id) AS n, x.version, x.position, x.recorded_at, x.log_order, x.effective_at, x.previous_hash, x.hash
            )
            SELECT i.n, 'appended', i.version, i.position, i.recorded_at, pg_current_xact_id()::text::bigint,
                i.log_order::text::bigint, i.effective_at, i.previous_hash, i.hash
            FROM inserted i
            UNION ALL
            SELECT a.n::int, 'conflict', l.version, NULL, NULL, NULL, NULL, NULL, NULL, NULL
            FROM locked l JOIN unnest(p_stream_ids) WITH ORDINALITY AS a(stream_id, n) ON a.stream_id = l.stream_id
            WHERE NOT EXISTS (SELECT FROM heads h WHERE h.n = a.n);
        END
        $$;
        """;
}
