using System.Runtime.Versioning;
using CoopLedger.Testing;

[assembly: AssemblyFixture(typeof(PostgresCluster))]

// The launcher's tests read /proc and Unix file modes: they run where the service's embedded PostgreSQL does.
[assembly: SupportedOSPlatform("linux")]
