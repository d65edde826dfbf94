// Every entry point loads with require(); the vitest suites explain that they need an ES module.
/* eslint-disable @typescript-eslint/no-require-imports -- this file proves that require() of every entry works */
const core = require("@neonhub/core");
const coreTesting = require("@neonhub/core/testing");
const connectors = require("@neonhub/connectors");
const connectorsTesting = require("@neonhub/connectors/testing");
const persistence = require("@neonhub/persistence-prisma");
const metrics = require("@neonhub/metrics");

const expected = {
  core: [core, ["createOrchestrator", "defineAgent", "isNeonhubError", "createMemoryRunStore"]],
  "core/testing": [coreTesting, ["runAgentForTest", "createManualClock"]],
  connectors: [connectors, ["createConnectorClient", "defineConnector", "slackConnector"]],
  "connectors/testing": [connectorsTesting, ["createMockConnectorClient"]],
  "persistence-prisma": [persistence, ["openNeonhubDatabase", "createPrismaRunStore"]],
  metrics: [metrics, ["createPrometheusMetrics", "createPinoLogger"]],
};
for (const [entry, [module, names]] of Object.entries(expected)) {
  const missing = names.filter((name) => typeof module[name] === "undefined");
  if (missing.length > 0) throw new Error(`require of @neonhub/${entry} lacks ${missing.join(", ")}`);
}
let suiteError;
try {
  coreTesting.runRunStoreConformanceSuite({ name: "x", createStore: async () => core.createMemoryRunStore() });
} catch (error) {
  suiteError = error;
}
if (!core.isNeonhubError(suiteError, "CONFIGURATION_INVALID")) throw new Error(`expected CONFIGURATION_INVALID from a vitest suite under require, got ${suiteError}`);

const clock = coreTesting.createManualClock();
const mock = connectorsTesting.createMockConnectorClient({ clock });
mock
  .invoke("slack", "postMessage", { channel: "C1", text: "from CommonJS" })
  .then((posted) => {
    if (typeof posted.ts !== "string" || mock.mock.calls("slack").length !== 1) throw new Error("the mock call was not recorded");
    console.log("CommonJS requires: ok");
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
