namespace CoopLedger.EventStore.Schema;

/// <summary>The event store's schema, as one readable list of migrations.</summary>
public static partial class LedgerMigrations
{
    /// <summary>Every migration of the event store, in order.</summary>
    public static IReadOnlyList<Migration> All { get; } =
    [
        new("ledger", 1, "streams and events", """
            CREATE TABLE ledger.streams (
                stream_id   uuid        PRIMARY KEY,
                stream_type text        NOT NULL,
                version     bigint      NOT NULL,
                created_at  timestamptz NOT NULL,
                updated_at  timestamptz NOT NULL
            );

            CREATE TABLE ledger.events (
                position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                event_id        uuid        NOT NULL UNIQUE,
                stream_id       uuid        NOT NULL REFERENCES ledger.streams (stream_id),
                version         bigint      NOT NULL,
                type            text        NOT NULL,
                schema_version  int         NOT NULL,
                data            jsonb       NOT NULL,
                recorded_at     timestamptz NOT NULL,
                effective_at    timestamptz NOT NULL,
                actor           text        NOT NULL,
                reason          text,
                correlation_id  text,
                causation_id    text,
                idempotency_key text,
                -- The writing transaction (the global log's order: log_order, migration 5).
                transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
                previous_hash   bytea,
                hash            bytea       NOT NULL,
                CONSTRAINT events_stream_version UNIQUE (stream_id, version)
            );

            CREATE INDEX events_commit_order ON ledger.events (transaction_id, position);
            CREATE INDEX events_idempotency ON ledger.events (stream_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
            """),

        new("ledger", 2, "hash chain", """
            -- SHA-256 over the canonical encoding of an event and its metadata (docs/EVENT_STORE.md describes it): a header
            -- line, then each field as its UTF-8 byte length, ':', the value and a newline; a null field is '-'.
            -- One expression over local variables: PL/pgSQL evaluates it on its fast path (a SQL function was not
            -- inlined and cost five times as much per event).
            CREATE FUNCTION ledger.event_hash(
                previous_hash bytea, stream_id uuid, version bigint, type text, schema_version int, data jsonb,
                effective_at timestamptz, recorded_at timestamptz, actor text, reason text) RETURNS bytea
            LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
            DECLARE
                f_previous text := encode(previous_hash, 'hex');
                f_stream text := stream_id::text;
                f_version text := version::text;
                f_schema text := schema_version::text;
                f_data text := data::text;
                f_effective text := to_char(effective_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
                f_recorded text := to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
            BEGIN
                -- coalesce(length || ':' || value, '-'): a null value nulls the concatenation, leaving '-'.
                RETURN sha256(convert_to(E'coopledger-event-v1\n'
                    || coalesce(octet_length(f_previous) || ':' || f_previous, '-') || E'\n'
                    || coalesce(octet_length(f_stream) || ':' || f_stream, '-') || E'\n'
                    || coalesce(octet_length(f_version) || ':' || f_version, '-') || E'\n'
                    || coalesce(octet_length(type) || ':' || type, '-') || E'\n'
                    || coalesce(octet_length(f_schema) || ':' || f_schema, '-') || E'\n'
                    || coalesce(octet_length(f_data) || ':' || f_data, '-') || E'\n'
                    || coalesce(octet_length(f_effective) || ':' || f_effective, '-') || E'\n'
                    || coalesce(octet_length(f_recorded) || ':' || f_recorded, '-') || E'\n'
                    || coalesce(octet_length(actor) || ':' || actor, '-') || E'\n'
                    || coalesce(octet_length(reason) || ':' || reason, '-') || E'\n', 'UTF8'));
            END
            $$;

            -- The append function itself: migration 5 (its latest form).
            """),

        new("ledger", 3, "projection checkpoints", """
            -- One row per projection: how far it has read the global log, written in the same transaction as its
            -- read-model rows, and whether it stopped on an event it could not apply.
            CREATE TABLE ledger.projection_checkpoints (
                name            text        PRIMARY KEY,
                transaction_id  xid8        NOT NULL DEFAULT '0',
                position        bigint      NOT NULL DEFAULT 0,
                status          text        NOT NULL DEFAULT 'running',
                failed_position bigint,
                error           text,
                updated_at      timestamptz NOT NULL DEFAULT now()
            );
            """),

        new("ledger", 4, "projection generations", """
            -- The version of the generation serving (a different declared version triggers a rebuild), and a
            -- rebuild asked for and not yet swapped in (any instance may ask; the projection's leader does it).
            ALTER TABLE ledger.projection_checkpoints
                ADD COLUMN version              int,
                ADD COLUMN rebuild_requested_at timestamptz;
            """),

        new("ledger", 5, "log order keeping each stream's versions in order", """
            -- The global log's order. A transaction takes its id at its first write, which may come before it waits
            -- for a stream's lock: it can then append a stream's next version after a younger transaction appended
            -- the previous one. Ordered by transaction id alone, the log would hand that stream over out of order
            -- (and a reader cutting a batch between the two would apply the later version first). So an event's
            -- log_order is its transaction's id, or its stream's previous event's log_order when that is later. The
            -- commit-safe horizon still holds: an event's log_order is never less than its own transaction's id.
            -- Events already written keep their transaction's id: projections have read them in that order.
            ALTER TABLE ledger.events ADD COLUMN log_order xid8;
            UPDATE ledger.events SET log_order = transaction_id;
            ALTER TABLE ledger.events ALTER COLUMN log_order SET NOT NULL;
            CREATE INDEX events_log_order ON ledger.events (log_order, position);
            DROP INDEX ledger.events_commit_order;
            ALTER TABLE ledger.projection_checkpoints RENAME COLUMN transaction_id TO log_order;

            -- Appends a batch of events to one stream. The expected-version check, the idempotency check and the
            -- writes happen under the stream row's lock inside the database, so no two writers can both win.
            -- expected_version: -1 any, 0 the stream must not exist, n the stream must be at version n.
            -- A null effective_at takes the recording time.
            -- outcome: 'appended', 'duplicate' (idempotency key seen: the original result, nothing written)
            -- or 'conflict' (version is the actual one, nothing written).
            CREATE OR REPLACE FUNCTION ledger.append(
                p_stream_id uuid, p_stream_type text, p_expected_version bigint,
                p_event_ids uuid[], p_types text[], p_schema_versions int[], p_data jsonb[], p_effective_at timestamptz[],
                p_actor text, p_reason text, p_correlation_id text, p_causation_id text, p_idempotency_key text,
                OUT outcome text, OUT version bigint, OUT last_position bigint)
            LANGUAGE plpgsql AS $$
            DECLARE
                v_count int := coalesce(array_length(p_event_ids, 1), 0);
                v_current bigint;
                v_hash bytea;
                v_log_order xid8;
                v_recorded timestamptz;
                v_effective timestamptz[];
                v_previous bytea[];
                v_hashes bytea[];
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
                -- A stream's events never go before its previous one in the log's order (see log_order above).
                v_log_order := greatest(pg_current_xact_id(), v_log_order);
                version := v_current;
                FOR i IN 1 .. v_count LOOP
                    version := version + 1;
                    -- Business time defaults to the recording time.
                    v_effective[i] := coalesce(p_effective_at[i], v_recorded);
                    v_previous[i] := v_hash;
                    v_hash := ledger.event_hash(v_hash, p_stream_id, version, p_types[i], p_schema_versions[i], p_data[i],
                        v_effective[i], v_recorded, p_actor, p_reason);
                    v_hashes[i] := v_hash;
                END LOOP;

                WITH inserted AS (
                    INSERT INTO ledger.events (event_id, stream_id, version, type, schema_version, data, recorded_at,
                        effective_at, actor, reason, correlation_id, causation_id, idempotency_key, log_order, previous_hash, hash)
                    SELECT e.id, p_stream_id, v_current + e.n, e.type, e.schema_version, e.data, v_recorded,
                        e.effective_at, p_actor, p_reason, p_correlation_id, p_causation_id, p_idempotency_key, v_log_order, e.previous, e.hash
                    FROM unnest(p_event_ids, p_types, p_schema_versions, p_data, v_effective, v_previous, v_hashes)
                        WITH ORDINALITY AS e(id, type, schema_version, data, effective_at, previous, hash, n)
                    RETURNING position)
                SELECT max(inserted.position) INTO last_position FROM inserted;
                outcome := 'appended';
            END
            $$;
            """),
        new("ledger", 6, "group commit", """
            -- Appends a group of appends in one call (the store's group commit), each with the outcome ledger.append
            -- would give it, one row per append in the group's order. Appends come as arrays, one entry per append, and
            -- their events flattened in the same order (p_counts says how many each has). The common case, an existing
            -- stream with no idempotency key and no other append in the group, is done for all such appends at once:
            -- one statement moves their streams and reads their previous hashes, one INSERT writes their events (per
            -- call, statements cost more than rows). The others (new streams, idempotency keys, a version that did not
            -- match, a stream twice in the group) then go one by one through ledger.append. A group waits for no stream
            -- lock: an append whose stream another transaction holds (a command deciding under its stream's lock) gets
            -- the outcome 'busy', nothing of it written, and the store runs it alone (where it may wait); otherwise
            -- that one command would hold back every append of the group.
            CREATE FUNCTION ledger.append_group(
                p_stream_ids uuid[], p_stream_types text[], p_expected_versions bigint[], p_counts int[],
                p_actors text[], p_reasons text[], p_correlation_ids text[], p_causation_ids text[], p_idempotency_keys text[],
                p_event_ids uuid[], p_types text[], p_schema_versions int[], p_data jsonb[], p_effective_at timestamptz[])
            RETURNS TABLE (outcome text, version bigint, last_position bigint)
            -- Planned for each call's array sizes, the statements cost more to plan than to run; their generic plans
            -- find every row by key.
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
                a_streams uuid[];
                a_positions bigint[];
                -- Per append, the answers.
                v_outcome text[] := array_fill(NULL::text, ARRAY[v_appends]);
                v_version bigint[] := array_fill(NULL::bigint, ARRAY[v_appends]);
                v_last bigint[] := array_fill(NULL::bigint, ARRAY[v_appends]);
                -- Per event, aligned with p_event_ids; null for the events of appends done one by one.
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

                -- Under the locks, the clock never goes back within a stream (as in ledger.append). Streams are found by
                -- key, and their appends by place in the arrays: joined with unnest(), whose size a plan cannot know,
                -- they were read with a scan of the whole table. LIMIT keeps the previous event a lookup by key too.
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
                    INSERT INTO ledger.events (event_id, stream_id, version, type, schema_version, data, recorded_at,
                        effective_at, actor, reason, correlation_id, causation_id, log_order, previous_hash, hash)
                    SELECT e.id, e.stream_id, e.version, e.type, e.schema_version, e.data, e.recorded,
                        e.effective, e.actor, e.reason, e.correlation, e.causation, e.log_order, e.previous, e.hash
                    FROM unnest(p_event_ids, e_stream, e_version, p_types, p_schema_versions, p_data, e_recorded,
                        e_effective, e_actor, e_reason, e_correlation, e_causation, e_log_order, e_previous, e_hash)
                        AS e(id, stream_id, version, type, schema_version, data, recorded,
                            effective, actor, reason, correlation, causation, log_order, previous, hash)
                    WHERE e.stream_id IS NOT NULL
                    RETURNING stream_id, position)
                SELECT array_agg(l.stream_id), array_agg(l.position) INTO a_streams, a_positions
                FROM (SELECT inserted.stream_id, max(inserted.position) AS position FROM inserted GROUP BY inserted.stream_id) l;

                FOR k IN 1 .. coalesce(array_length(a_streams, 1), 0) LOOP
                    -- A stream done together has no other append in the group.
                    v_last[array_position(p_stream_ids, a_streams[k])] := a_positions[k];
                END LOOP;

                FOR k IN 1 .. v_appends LOOP
                    CONTINUE WHEN v_outcome[k] IS NOT NULL;
                    v_last_event := v_first[k] + p_counts[k] - 1;
                    SELECT a.outcome, a.version, a.last_position INTO r
                    FROM ledger.append(p_stream_ids[k], p_stream_types[k], p_expected_versions[k],
                        p_event_ids[v_first[k]:v_last_event], p_types[v_first[k]:v_last_event], p_schema_versions[v_first[k]:v_last_event],
                        p_data[v_first[k]:v_last_event], p_effective_at[v_first[k]:v_last_event],
                        p_actors[k], p_reasons[k], p_correlation_ids[k], p_causation_ids[k], p_idempotency_keys[k]) a;
                    v_outcome[k] := r.outcome;
                    v_version[k] := r.version;
                    v_last[k] := r.last_position;
                END LOOP;

                RETURN QUERY SELECT * FROM unnest(v_outcome, v_version, v_last);
            END
            $$;
            """),
        new("ledger", 7, "several streams read by key whatever the log's size", """
            -- A session plans a prepared statement once, with the statistics of that moment, and keeps the plan until
            -- the next ANALYZE. Planned while the log was small (a fresh database, its first appends), the read of a
            -- set of streams given as arrays hashed them and scanned every event, the cheapest way to read a few pages,
            -- and kept doing so as the log grew: measured on a fresh database under load, each shared read of a few
            -- streams' newest versions scanned all 30,000 events (577 pages), most of PostgreSQL's CPU per command.
            -- Planned with sequential scans disabled, it finds each stream's versions by key at any size.
            -- p_types, when not null, keeps only those event types. Rows come in stream and version order.
            CREATE FUNCTION ledger.read_streams(p_stream_ids uuid[], p_after bigint[], p_up_to bigint[], p_types text[])
            RETURNS SETOF ledger.events
            LANGUAGE plpgsql STABLE SET enable_seqscan = off AS $$
            BEGIN
                RETURN QUERY
                SELECT e.* FROM unnest(p_stream_ids, p_after, p_up_to) AS wanted (stream_id, after, up_to)
                JOIN ledger.events e ON e.stream_id = wanted.stream_id AND e.version > wanted.after AND e.version <= wanted.up_to
                WHERE p_types IS NULL OR e.type = ANY (p_types)
                ORDER BY e.stream_id, e.version;
            END
            $$;
            """),
        new("ledger", 8, "appends answer with their events as recorded", AppendsAnswerAsRecorded),
        new("ledger", 9, "a group commit in one statement", GroupInOneStatement),
        new("ledger", 10, "streams kept by a trigger rather than referenced by every event", StreamsKeptWithoutForeignKey),
        new("ledger", 11, "a stream's id never changes", StreamIdsNeverChange),
    ];
}
