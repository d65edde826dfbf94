import type { ConnectionCredentials } from "@neonhub/core";
import { baseUrlProblem } from "../sdk/base-url-problem.js";
import { ConnectorBaseUrlError } from "../sdk/connector-base-url-error.js";
import type { ConnectorDefinition } from "../sdk/connector-definition.js";

/** What is wrong with a derived base URL, or undefined when the SDK sends to it. */
function problemOf(value: unknown): string | undefined {
  const problem = baseUrlProblem(value);
  return problem === undefined ? undefined : `baseUrlFrom returned a value that ${problem}`;
}

function derive(connector: ConnectorDefinition, connection: ConnectionCredentials): string {
  let value: unknown;
  try {
    value = connector.baseUrlFrom?.((name) => connection.credentials[name]);
  } catch (error) {
    throw new ConnectorBaseUrlError(connector.id, "threw", "baseUrlFrom threw", { cause: error });
  }
  const problem = problemOf(value);
  if (problem !== undefined) throw new ConnectorBaseUrlError(connector.id, "invalid_url", problem);
  return value as string;
}

/**
 * Where a live call goes: the connection's `baseUrl`, else the client's for the connector, else the one the connector
 * derives from the connection's credentials (`baseUrlFrom`), else the connector's default. An explicit setting wins
 * over the derivation, so that a gateway or a test server can stand in for every connection, and the derivation is
 * then not called.
 * @throws ConnectorBaseUrlError when `baseUrlFrom` throws or returns anything but an absolute https URL without a user
 * name or password.
 */
export function resolveBaseUrl(connector: ConnectorDefinition, connection: ConnectionCredentials | null, clientBaseUrl: string | undefined): string {
  const explicit = connection?.credentials.baseUrl ?? clientBaseUrl;
  if (explicit !== undefined) return explicit;
  if (connector.baseUrlFrom === undefined || connection === null) return connector.baseUrl;
  // An expired or revoked connection is refused for what it is before anything is sent; its credentials, perhaps
  // the ones that made it unusable, are not read for a host.
  if (connection.status === "EXPIRED" || connection.status === "REVOKED") return connector.baseUrl;
  return derive(connector, connection);
}
