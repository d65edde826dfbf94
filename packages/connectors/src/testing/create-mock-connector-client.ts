import { type ConnectorClient, type ConnectorClientOptions, createConnectorClient } from "../client/create-connector-client.js";

/**
 * A mock-mode client for a consumer's tests: no network, deterministic fixtures, a call log on `client.mock`.
 * Retries are off unless `retry` is given, so a fault scenario reaches the agent at once.
 * @example
 * const connectors = createMockConnectorClient({ mock: { seed: "suite" } });
 * connectors.mock.setScenario("slack", { type: "rate_limited", retryAfterMs: 30_000 }, { times: 1 });
 */
export function createMockConnectorClient(options: Omit<ConnectorClientOptions, "mode"> = {}): ConnectorClient {
  return createConnectorClient({ retry: false, ...options, mode: "mock" });
}
