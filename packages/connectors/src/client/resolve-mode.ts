import { ConfigurationError } from "@neonhub/core";

/** Whether connector calls reach providers (`live`) or deterministic fixtures (`mock`). */
export type ConnectorMode = "live" | "mock";

/**
 * The mode of a client. The environment can force mock mode (`NEONHUB_CONNECTORS_MODE=mock` or
 * `USE_MOCK_CONNECTORS=true`) over anything the code asks for, so that a test suite never reaches a live API;
 * otherwise the explicit option wins, then `NEONHUB_CONNECTORS_MODE=live`, then `live`.
 */
export function resolveConnectorMode(requested: ConnectorMode | undefined, environment: Record<string, string | undefined> = process.env): ConnectorMode {
  const fromEnvironment = environment.NEONHUB_CONNECTORS_MODE?.trim().toLowerCase();
  if (fromEnvironment !== undefined && fromEnvironment !== "" && fromEnvironment !== "mock" && fromEnvironment !== "live") {
    throw new ConfigurationError(`NEONHUB_CONNECTORS_MODE must be "mock" or "live"; got "${fromEnvironment}".`);
  }
  const useMock = environment.USE_MOCK_CONNECTORS?.trim().toLowerCase();
  if (fromEnvironment === "mock" || useMock === "true" || useMock === "1") return "mock";
  if (requested !== undefined) {
    if (requested !== "mock" && requested !== "live") throw new ConfigurationError(`Connector mode must be "mock" or "live"; got "${String(requested)}".`);
    return requested;
  }
  return "live";
}
