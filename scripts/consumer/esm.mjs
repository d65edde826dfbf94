// Every entry point loads as an ES module and its main functions are there.
import * as core from "@neonhub/core";
import * as coreTesting from "@neonhub/core/testing";
import * as connectors from "@neonhub/connectors";
import * as connectorsTesting from "@neonhub/connectors/testing";
import * as persistence from "@neonhub/persistence-prisma";
import * as metrics from "@neonhub/metrics";

const expected = {
  core: [core, ["createOrchestrator", "defineAgent", "isNeonhubError", "createMemoryRunStore"]],
  "core/testing": [coreTesting, ["runAgentForTest", "createManualClock", "runRunStoreConformanceSuite"]],
  connectors: [connectors, ["createConnectorClient", "defineConnector", "slackConnector", "PLATFORM_CATALOG"]],
  "connectors/testing": [connectorsTesting, ["createMockConnectorClient", "runConnectorContractTests"]],
  "persistence-prisma": [persistence, ["openNeonhubDatabase", "createPrismaRunStore"]],
  metrics: [metrics, ["createPrometheusMetrics", "createPinoLogger"]],
};
for (const [entry, [module, names]] of Object.entries(expected)) {
  const missing = names.filter((name) => module[name] === undefined);
  if (missing.length > 0) throw new Error(`import of @neonhub/${entry} lacks ${missing.join(", ")}`);
}
console.log("ESM imports: ok");
