namespace CoopLedger.EventStore.Schema;

/// <summary>
/// One step of the database schema. Migrations are applied once, in (module, version) order, and never edited
/// after they have shipped: a change is a new migration.
/// </summary>
/// <param name="Module">The part of the product that owns it, e.g. <c>ledger</c> or <c>projections</c>.</param>
/// <param name="Version">Its order within the module, from 1.</param>
/// <param name="Description">What it does, in a few words.</param>
/// <param name="Sql">The statements; they run in one transaction with the others being applied.</param>
public sealed record Migration(string Module, int Version, string Description, string Sql);
