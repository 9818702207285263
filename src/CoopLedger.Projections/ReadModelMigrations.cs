using CoopLedger.EventStore.Schema;

namespace CoopLedger.Projections;

/// <summary>What the read models once needed from the schema migrator.</summary>
/// <remarks>
/// Read models now own their tables (one schema per projection, created and rebuilt by the projection engine),
/// so the only migration left removes the shared schema that versions 1 to 3 had created.
/// </remarks>
public static class ReadModelMigrations
{
    /// <summary>Every migration, in order.</summary>
    public static IReadOnlyList<Migration> All { get; } =
    [
        new("projections", 4, "read models own their schemas", "DROP SCHEMA IF EXISTS projections CASCADE;"),
    ];
}
