import { type ConnectorClient, type ConnectorClientOptions, createConnectorClient } from "../client/create-connector-client.js";

/**
 * A mock-mode client for a consumer's tests: no network, deterministic fixtures, a call log on `client.mock`.
 * It retries exactly as the live client does (each connector's retry settings, `Retry-After` honoured through the
 * client's `clock`); pass `retry: false` to let a fault scenario reach the agent at once.
 * @example
 * const connectors = createMockConnectorClient({ mock: { seed: "suite" } });
 * connectors.mock.setScenario("slack", { type: "rate_limited", retryAfterMs: 30_000 }, { times: 1 });
 */
export function createMockConnectorClient(options: Omit<ConnectorClientOptions, "mode"> = {}): ConnectorClient {
  return createConnectorClient({ ...options, mode: "mock" });
}
