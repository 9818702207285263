using CoopLedger.EventStore.Schema;

namespace CoopLedger.Api.Commands;

/// <summary>The API's own tables.</summary>
public static class ApiMigrations
{
    /// <summary>Every migration of the API module, in order.</summary>
    public static IReadOnlyList<Migration> All { get; } =
    [
        new("api", 1, "idempotency keys", """
            CREATE SCHEMA api;
            CREATE TABLE api.idempotency_keys (
                actor        text        NOT NULL,
                key          text        NOT NULL,
                request_hash bytea       NOT NULL,
                status       int         NOT NULL,
                body         text        NOT NULL,
                etag         text        NOT NULL,
                location     text,
                created_at   timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (actor, key)
            );
            """),
    ];
}
