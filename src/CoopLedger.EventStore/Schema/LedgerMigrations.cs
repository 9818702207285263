namespace CoopLedger.EventStore.Schema;

/// <summary>The event store's schema, as one readable list of migrations.</summary>
public static class LedgerMigrations
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
    ];
}
