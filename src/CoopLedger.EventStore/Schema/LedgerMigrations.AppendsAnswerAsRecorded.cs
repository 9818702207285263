namespace CoopLedger.EventStore.Schema;

public static partial class LedgerMigrations
{
    /// <summary>
    /// Migration 8: an append answers with what the database recorded of its events, so that the writer knows them as
    /// a read would give them without reading them back (a command's next decision on the same stream need not read it).
    /// The functions are those of migrations 5 and 6, which stay as they shipped, with the extra answers.
    /// </summary>
    private const string AppendsAnswerAsRecorded = """
        -- Each append now also answers, when it appended: its recording instant, its transaction and log order (as
        -- numbers, like the store's reads), and per event, in version order, its position, business time and hash, with
        -- the hash its first event chains from. A conflict, a duplicate or a busy append leaves them null.
        DROP FUNCTION ledger.append_group(uuid[], text[], bigint[], int[], text[], text[], text[], text[], text[], uuid[], text[], int[], jsonb[], timestamptz[]);
        DROP FUNCTION ledger.append(uuid, text, bigint, uuid[], text[], int[], jsonb[], timestamptz[], text, text, text, text, text);

        CREATE FUNCTION ledger.append(
            p_stream_id uuid, p_stream_type text, p_expected_version bigint,
            p_event_ids uuid[], p_types text[], p_schema_versions int[], p_data jsonb[], p_effective_at timestamptz[],
            p_actor text, p_reason text, p_correlation_id text, p_causation_id text, p_idempotency_key text,
            OUT outcome text, OUT version bigint, OUT last_position bigint,
            OUT recorded timestamptz, OUT transaction_number bigint, OUT log_order_number bigint,
            OUT positions bigint[], OUT effective timestamptz[], OUT chained_from bytea, OUT hashes bytea[])
        LANGUAGE plpgsql AS $$
        DECLARE
            v_count int := coalesce(array_length(p_event_ids, 1), 0);
            v_current bigint;
            v_hash bytea;
            v_log_order xid8;
            v_recorded timestamptz;
            v_previous bytea[];
        BEGIN
            -- Fast path, the common case (an existing stream, no idempotency key): one UPDATE takes the row lock,
            -- checks the version and moves it. clock_timestamp() is evaluated once the lock is held (a waiting
            -- UPDATE re-evaluates the row), so recorded_at never goes back within a stream.
            IF p_idempotency_key IS NULL AND p_expected_version <> 0 THEN
                UPDATE ledger.streams s SET version = s.version + v_count, updated_at = clock_timestamp()
                WHERE s.stream_id = p_stream_id AND (p_expected_version < 0 OR s.version = p_expected_version)
                RETURNING s.version - v_count, s.updated_at INTO v_current, v_recorded;
            END IF;

            -- Slow path: a new stream, an idempotency key, or a version that did not match.
            IF v_current IS NULL THEN
                SELECT s.version INTO v_current FROM ledger.streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
                IF NOT FOUND THEN
                    IF p_expected_version > 0 THEN
                        outcome := 'conflict'; version := 0; RETURN;
                    END IF;
                    INSERT INTO ledger.streams (stream_id, stream_type, version, created_at, updated_at)
                    VALUES (p_stream_id, p_stream_type, 0, clock_timestamp(), clock_timestamp())
                    ON CONFLICT (stream_id) DO NOTHING;
                    IF NOT FOUND THEN
                        -- Another writer created it first and has committed: take its lock and its version.
                        SELECT s.version INTO v_current FROM ledger.streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
                    ELSE
                        v_current := 0;
                    END IF;
                END IF;

                IF p_idempotency_key IS NOT NULL THEN
                    SELECT max(e.version), max(e.position) INTO version, last_position
                    FROM ledger.events e WHERE e.stream_id = p_stream_id AND e.idempotency_key = p_idempotency_key;
                    IF version IS NOT NULL THEN
                        outcome := 'duplicate'; RETURN;
                    END IF;
                END IF;

                IF p_expected_version >= 0 AND p_expected_version <> v_current THEN
                    outcome := 'conflict'; version := v_current; last_position := NULL; RETURN;
                END IF;

                -- The database clock, read under the stream lock, so recorded_at never goes back within a stream.
                v_recorded := clock_timestamp();
                UPDATE ledger.streams s SET version = v_current + v_count, updated_at = v_recorded WHERE s.stream_id = p_stream_id;
            END IF;

            -- Hashes chain one event to the next, so they are computed in order; the rows go in with one INSERT.
            SELECT e.hash, e.log_order INTO v_hash, v_log_order FROM ledger.events e WHERE e.stream_id = p_stream_id AND e.version = v_current;
            chained_from := v_hash;
            -- A stream's events never go before its previous one in the log's order (see migration 5).
            v_log_order := greatest(pg_current_xact_id(), v_log_order);
            version := v_current;
            FOR i IN 1 .. v_count LOOP
                version := version + 1;
                -- Business time defaults to the recording time.
                effective[i] := coalesce(p_effective_at[i], v_recorded);
                v_previous[i] := v_hash;
                v_hash := ledger.event_hash(v_hash, p_stream_id, version, p_types[i], p_schema_versions[i], p_data[i],
                    effective[i], v_recorded, p_actor, p_reason);
                hashes[i] := v_hash;
            END LOOP;

            WITH inserted AS (
                INSERT INTO ledger.events AS x (event_id, stream_id, version, type, schema_version, data, recorded_at,
                    effective_at, actor, reason, correlation_id, causation_id, idempotency_key, log_order, previous_hash, hash)
                SELECT e.id, p_stream_id, v_current + e.n, e.type, e.schema_version, e.data, v_recorded,
                    e.effective_at, p_actor, p_reason, p_correlation_id, p_causation_id, p_idempotency_key, v_log_order, e.previous, e.hash
                FROM unnest(p_event_ids, p_types, p_schema_versions, p_data, effective, v_previous, hashes)
                    WITH ORDINALITY AS e(id, type, schema_version, data, effective_at, previous, hash, n)
                RETURNING x.position, x.version)
            SELECT array_agg(inserted.position ORDER BY inserted.version) INTO positions FROM inserted;
            last_position := positions[v_count];
            recorded := v_recorded;
            transaction_number := pg_current_xact_id()::text::bigint;
            log_order_number := v_log_order::text::bigint;
            outcome := 'appended';
        END
        $$;

        CREATE FUNCTION ledger.append_group(
            p_stream_ids uuid[], p_stream_types text[], p_expected_versions bigint[], p_counts int[],
            p_actors text[], p_reasons text[], p_correlation_ids text[], p_causation_ids text[], p_idempotency_keys text[],
            p_event_ids uuid[], p_types text[], p_schema_versions int[], p_data jsonb[], p_effective_at timestamptz[])
        RETURNS TABLE (outcome text, version bigint, last_position bigint,
            recorded timestamptz, transaction_number bigint, log_order_number bigint,
            positions bigint[], effective timestamptz[], chained_from bytea, hashes bytea[])
        -- Generic plans, as in migration 6: planned for each call's array sizes, the statements cost more to plan than to run.
        LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
        DECLARE
            v_appends int := coalesce(array_length(p_stream_ids, 1), 0);
            v_events int := coalesce(array_length(p_event_ids, 1), 0);
            v_xid xid8 := pg_current_xact_id();
            v_first int[];
            v_fast_ids uuid[] := '{}';
            v_locked uuid[];
            v_busy uuid[];
            v_fast_n int[] := '{}';
            -- The appends done together, as the first statement found them.
            a_n int[];
            a_before bigint[];
            a_recorded timestamptz[];
            a_hash bytea[];
            a_log_order xid8[];
            -- Their events as inserted: which append, which version, which position.
            i_append int[];
            i_version bigint[];
            i_position bigint[];
            -- Per append, the answers.
            v_outcome text[] := array_fill(NULL::text, ARRAY[v_appends]);
            v_version bigint[] := array_fill(NULL::bigint, ARRAY[v_appends]);
            v_last bigint[] := array_fill(NULL::bigint, ARRAY[v_appends]);
            v_recorded timestamptz[] := array_fill(NULL::timestamptz, ARRAY[v_appends]);
            v_log_order bigint[] := array_fill(NULL::bigint, ARRAY[v_appends]);
            v_chained_from bytea[] := array_fill(NULL::bytea, ARRAY[v_appends]);
            -- Per event, aligned with p_event_ids; null for the events of appends done one by one (but the answers).
            e_stream uuid[] := array_fill(NULL::uuid, ARRAY[v_events]);
            e_version bigint[] := array_fill(NULL::bigint, ARRAY[v_events]);
            e_recorded timestamptz[] := array_fill(NULL::timestamptz, ARRAY[v_events]);
            e_effective timestamptz[] := array_fill(NULL::timestamptz, ARRAY[v_events]);
            e_actor text[] := array_fill(NULL::text, ARRAY[v_events]);
            e_reason text[] := array_fill(NULL::text, ARRAY[v_events]);
            e_correlation text[] := array_fill(NULL::text, ARRAY[v_events]);
            e_causation text[] := array_fill(NULL::text, ARRAY[v_events]);
            e_log_order xid8[] := array_fill(NULL::xid8, ARRAY[v_events]);
            e_previous bytea[] := array_fill(NULL::bytea, ARRAY[v_events]);
            e_hash bytea[] := array_fill(NULL::bytea, ARRAY[v_events]);
            e_position bigint[] := array_fill(NULL::bigint, ARRAY[v_events]);
            v_next int := 1;
            v_chain bytea;
            v_last_event int;
            n int;
            r record;
        BEGIN
            -- Every existing stream of the group that no other transaction holds, locked; those held (a command
            -- deciding under its stream's lock) are busy: their appends are left to run alone, so the group waits
            -- for no one.
            SELECT coalesce(array_agg(l.stream_id), '{}') INTO v_locked
            FROM (SELECT s.stream_id FROM ledger.streams s WHERE s.stream_id = ANY (p_stream_ids) ORDER BY s.stream_id FOR UPDATE SKIP LOCKED) l;
            SELECT coalesce(array_agg(s.stream_id), '{}') INTO v_busy
            FROM ledger.streams s WHERE s.stream_id = ANY (p_stream_ids) AND NOT s.stream_id = ANY (v_locked);

            FOR k IN 1 .. v_appends LOOP
                v_first[k] := v_next;
                v_next := v_next + p_counts[k];
                IF p_stream_ids[k] = ANY (v_busy) THEN
                    v_outcome[k] := 'busy';
                ELSIF p_idempotency_keys[k] IS NULL AND p_expected_versions[k] <> 0
                    AND array_position(p_stream_ids, p_stream_ids[k]) = k
                    AND array_position(p_stream_ids, p_stream_ids[k], k + 1) IS NULL THEN
                    v_fast_ids := v_fast_ids || p_stream_ids[k];
                    v_fast_n := v_fast_n || k;
                END IF;
            END LOOP;

            -- As in migration 6: streams found by key, their appends by place in the arrays.
            WITH moved AS (
                UPDATE ledger.streams s
                SET version = s.version + p_counts[v_fast_n[array_position(v_fast_ids, s.stream_id)]], updated_at = clock_timestamp()
                WHERE s.stream_id = ANY (v_fast_ids)
                  AND (p_expected_versions[v_fast_n[array_position(v_fast_ids, s.stream_id)]] < 0
                       OR s.version = p_expected_versions[v_fast_n[array_position(v_fast_ids, s.stream_id)]])
                RETURNING v_fast_n[array_position(v_fast_ids, s.stream_id)] AS n, s.stream_id,
                    s.version - p_counts[v_fast_n[array_position(v_fast_ids, s.stream_id)]] AS before, s.updated_at)
            SELECT array_agg(m.n), array_agg(m.before), array_agg(m.updated_at), array_agg(p.hash), array_agg(p.log_order)
            INTO a_n, a_before, a_recorded, a_hash, a_log_order
            FROM moved m
            LEFT JOIN LATERAL (
                SELECT e.hash, e.log_order FROM ledger.events e WHERE e.stream_id = m.stream_id AND e.version = m.before LIMIT 1
            ) p ON true;

            -- Hashes chain one event to the next, so they are computed in order; the rows go in with one INSERT.
            FOR k IN 1 .. coalesce(array_length(a_n, 1), 0) LOOP
                n := a_n[k];
                v_chain := a_hash[k];
                v_chained_from[n] := v_chain;
                v_recorded[n] := a_recorded[k];
                v_log_order[n] := greatest(v_xid, a_log_order[k])::text::bigint;
                v_version[n] := a_before[k];
                FOR i IN v_first[n] .. v_first[n] + p_counts[n] - 1 LOOP
                    v_version[n] := v_version[n] + 1;
                    e_stream[i] := p_stream_ids[n];
                    e_version[i] := v_version[n];
                    e_recorded[i] := a_recorded[k];
                    e_effective[i] := coalesce(p_effective_at[i], a_recorded[k]);
                    e_actor[i] := p_actors[n];
                    e_reason[i] := p_reasons[n];
                    e_correlation[i] := p_correlation_ids[n];
                    e_causation[i] := p_causation_ids[n];
                    -- As in ledger.append: never before the stream's previous event in the log's order.
                    e_log_order[i] := greatest(v_xid, a_log_order[k]);
                    e_previous[i] := v_chain;
                    v_chain := ledger.event_hash(v_chain, p_stream_ids[n], v_version[n], p_types[i], p_schema_versions[i], p_data[i],
                        e_effective[i], a_recorded[k], p_actors[n], p_reasons[n]);
                    e_hash[i] := v_chain;
                END LOOP;
                v_outcome[n] := 'appended';
            END LOOP;

            WITH inserted AS (
                INSERT INTO ledger.events AS x (event_id, stream_id, version, type, schema_version, data, recorded_at,
                    effective_at, actor, reason, correlation_id, causation_id, log_order, previous_hash, hash)
                SELECT e.id, e.stream_id, e.version, e.type, e.schema_version, e.data, e.recorded,
                    e.effective, e.actor, e.reason, e.correlation, e.causation, e.log_order, e.previous, e.hash
                FROM unnest(p_event_ids, e_stream, e_version, p_types, p_schema_versions, p_data, e_recorded,
                    e_effective, e_actor, e_reason, e_correlation, e_causation, e_log_order, e_previous, e_hash)
                    AS e(id, stream_id, version, type, schema_version, data, recorded,
                        effective, actor, reason, correlation, causation, log_order, previous, hash)
                WHERE e.stream_id IS NOT NULL
                RETURNING x.stream_id, x.version, x.position)
            SELECT array_agg(array_position(p_stream_ids, inserted.stream_id)), array_agg(inserted.version), array_agg(inserted.position)
            INTO i_append, i_version, i_position
            FROM inserted;

            FOR j IN 1 .. coalesce(array_length(i_position, 1), 0) LOOP
                -- A stream done together has no other append in the group; its last version is its append's last event.
                n := i_append[j];
                e_position[v_first[n] + p_counts[n] - 1 - (v_version[n] - i_version[j])] := i_position[j];
                IF i_version[j] = v_version[n] THEN
                    v_last[n] := i_position[j];
                END IF;
            END LOOP;

            FOR k IN 1 .. v_appends LOOP
                CONTINUE WHEN v_outcome[k] IS NOT NULL;
                v_last_event := v_first[k] + p_counts[k] - 1;
                SELECT a.* INTO r
                FROM ledger.append(p_stream_ids[k], p_stream_types[k], p_expected_versions[k],
                    p_event_ids[v_first[k]:v_last_event], p_types[v_first[k]:v_last_event], p_schema_versions[v_first[k]:v_last_event],
                    p_data[v_first[k]:v_last_event], p_effective_at[v_first[k]:v_last_event],
                    p_actors[k], p_reasons[k], p_correlation_ids[k], p_causation_ids[k], p_idempotency_keys[k]) a;
                v_outcome[k] := r.outcome;
                v_version[k] := r.version;
                v_last[k] := r.last_position;
                v_recorded[k] := r.recorded;
                v_log_order[k] := r.log_order_number;
                v_chained_from[k] := r.chained_from;
                FOR i IN 1 .. coalesce(array_length(r.positions, 1), 0) LOOP
                    e_position[v_first[k] + i - 1] := r.positions[i];
                    e_effective[v_first[k] + i - 1] := r.effective[i];
                    e_hash[v_first[k] + i - 1] := r.hashes[i];
                END LOOP;
            END LOOP;

            RETURN QUERY
            SELECT v_outcome[k], v_version[k], v_last[k], v_recorded[k],
                CASE WHEN v_outcome[k] = 'appended' THEN v_xid::text::bigint END, v_log_order[k],
                CASE WHEN v_outcome[k] = 'appended' THEN e_position[v_first[k] : v_first[k] + p_counts[k] - 1] END,
                CASE WHEN v_outcome[k] = 'appended' THEN e_effective[v_first[k] : v_first[k] + p_counts[k] - 1] END,
                v_chained_from[k],
                CASE WHEN v_outcome[k] = 'appended' THEN e_hash[v_first[k] : v_first[k] + p_counts[k] - 1] END
            FROM generate_series(1, v_appends) AS k
            ORDER BY k;
        END
        $$;
        """;
}
