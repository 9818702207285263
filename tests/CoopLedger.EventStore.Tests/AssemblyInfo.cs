using CoopLedger.Testing;

[assembly: AssemblyFixture(typeof(PostgresCluster))]
