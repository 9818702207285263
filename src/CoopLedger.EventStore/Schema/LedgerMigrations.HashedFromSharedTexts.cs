namespace CoopLedger.EventStore.Schema;

public static partial class LedgerMigrations
{
    /// <summary>
    /// Migration 12: a group's hashes are computed from texts each append writes once. The recording instant's text (a
    /// to_char) was computed twice per event, once as the recording and once as the business time it defaults to; it
    /// is now computed once per append, and a business time only when the writer gave one. The encoding itself is one
    /// <c>concat</c> rather than thirty concatenations. A group of four ten-event appends cost PostgreSQL 6–10% less.
    /// The encoding does not change: <c>ledger.event_hash</c> now computes it through the same function.
    /// </summary>
    private const string HashedFromSharedTexts = """
        -- An instant as the hash's encoding writes it (docs/EVENT_STORE.md): UTC, microseconds.
        CREATE FUNCTION ledger.hash_instant(p_instant timestamptz) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        RETURN to_char(p_instant AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');

        -- The canonical encoding and its SHA-256 (migration 2's comment describes it), from the instants' texts
        -- (ledger.hash_instant), which the appends of a group compute once for all their events. A null field is '-':
        -- concat leaves out the null, and coalesce writes the '-' in place of its length.
        CREATE FUNCTION ledger.event_hash_of(
            previous_hash bytea, stream_id uuid, version bigint, type text, schema_version int, data jsonb,
            effective text, recorded text, actor text, reason text) RETURNS bytea
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
        DECLARE
            f_previous text := encode(previous_hash, 'hex');
            f_data text := data::text;
        BEGIN
            RETURN sha256(convert_to(concat(E'coopledger-event-v1\n',
                coalesce(octet_length(f_previous) || ':', '-'), f_previous, E'\n',
                octet_length(stream_id::text), ':', stream_id, E'\n',
                octet_length(version::text), ':', version, E'\n',
                coalesce(octet_length(type) || ':', '-'), type, E'\n',
                octet_length(schema_version::text), ':', schema_version, E'\n',
                coalesce(octet_length(f_data) || ':', '-'), f_data, E'\n',
                coalesce(octet_length(effective) || ':', '-'), effective, E'\n',
                coalesce(octet_length(recorded) || ':', '-'), recorded, E'\n',
                coalesce(octet_length(actor) || ':', '-'), actor, E'\n',
                coalesce(octet_length(reason) || ':', '-'), reason, E'\n'), 'UTF8'));
        END
        $$;

        -- One encoding: the hash of an event as ledger.append computes it, through the function the groups use.
        CREATE OR REPLACE FUNCTION ledger.event_hash(
            previous_hash bytea, stream_id uuid, version bigint, type text, schema_version int, data jsonb,
            effective_at timestamptz, recorded_at timestamptz, actor text, reason text) RETURNS bytea
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        RETURN ledger.event_hash_of(previous_hash, stream_id, version, type, schema_version, data,
            ledger.hash_instant(effective_at), ledger.hash_instant(recorded_at), actor, reason);

        -- Migration 9's function (its comment says what it does), the recording instant's text computed once per
        -- append (heads) and a business time's only when the writer gave one.
        CREATE OR REPLACE FUNCTION ledger.append_group(
            p_stream_ids uuid[], p_stream_types text[], p_expected_versions bigint[], p_counts int[], p_firsts int[],
            p_actors text[], p_reasons text[], p_correlation_ids text[], p_causation_ids text[],
            p_event_ids uuid[], p_types text[], p_schema_versions int[], p_data jsonb[], p_effective_at timestamptz[])
        RETURNS TABLE (append int, outcome text, version bigint, event_position bigint, recorded timestamptz,
            transaction_number bigint, log_order_number bigint, effective timestamptz, previous_hash bytea, hash bytea)
        LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $$
        BEGIN
            RETURN QUERY
            WITH RECURSIVE
            locked AS (
                SELECT s.stream_id, s.version FROM ledger.streams s
                WHERE s.stream_id = ANY (p_stream_ids) ORDER BY s.stream_id FOR UPDATE SKIP LOCKED
            ),
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
            heads AS (
                SELECT d.*, ledger.hash_instant(d.recorded) AS recorded_text FROM (
                    SELECT m.n, m.stream_id, m.before, m.recorded, greatest(pg_current_xact_id(), p.log_order) AS log_order,
                        CASE WHEN m.before > 0 AND p.hash IS NULL THEN ledger.unseen_chain_head(m.stream_id, m.before) ELSE p.hash END AS chained_from
                    FROM moved m
                    LEFT JOIN ledger.events p ON p.stream_id = m.stream_id AND p.version = m.before
                    UNION ALL
                    SELECT array_position(p_stream_ids, c.stream_id), c.stream_id, 0, c.recorded, pg_current_xact_id(), NULL
                    FROM created c
                ) d
            ),
            chain AS (
                SELECT h.n, p_firsts[h.n] AS e, h.before + 1 AS version, h.chained_from AS previous,
                    ledger.event_hash_of(h.chained_from, h.stream_id, h.before + 1, p_types[p_firsts[h.n]], p_schema_versions[p_firsts[h.n]],
                        p_data[p_firsts[h.n]], coalesce(ledger.hash_instant(p_effective_at[p_firsts[h.n]]), h.recorded_text), h.recorded_text,
                        p_actors[h.n], p_reasons[h.n]) AS hash
                FROM heads h
                WHERE p_counts[h.n] > 0
                UNION ALL
                SELECT c.n, c.e + 1, c.version + 1, c.hash,
                    ledger.event_hash_of(c.hash, h.stream_id, c.version + 1, p_types[c.e + 1], p_schema_versions[c.e + 1],
                        p_data[c.e + 1], coalesce(ledger.hash_instant(p_effective_at[c.e + 1]), h.recorded_text), h.recorded_text,
                        p_actors[c.n], p_reasons[c.n])
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
