// Type-checked as CommonJS: these imports resolve through the `require` conditions to the .d.cts files.
import { createOrchestrator, type AgentRun } from "@neonhub/core";
import { createManualClock, runAgentForTest } from "@neonhub/core/testing";
import { createConnectorClient } from "@neonhub/connectors";
import { createMockConnectorClient } from "@neonhub/connectors/testing";
import { openNeonhubDatabase } from "@neonhub/persistence-prisma";
import { createPrometheusMetrics } from "@neonhub/metrics";

export const entries: [typeof createOrchestrator, typeof createManualClock, typeof runAgentForTest, typeof createConnectorClient, typeof createMockConnectorClient, typeof openNeonhubDatabase, typeof createPrometheusMetrics] = [
  createOrchestrator,
  createManualClock,
  runAgentForTest,
  createConnectorClient,
  createMockConnectorClient,
  openNeonhubDatabase,
  createPrometheusMetrics,
];
export type Run = AgentRun;
