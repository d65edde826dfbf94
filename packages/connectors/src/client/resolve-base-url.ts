import type { ConnectionCredentials } from "@neonhub/core";
import { ConnectorBaseUrlError } from "../sdk/connector-base-url-error.js";
import type { ConnectorDefinition } from "../sdk/connector-definition.js";

// Plain http carries the credentials in clear, so it is only for addresses that never leave the machine.
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** What is wrong with a derived base URL, or undefined when the SDK sends to it. */
function problemOf(value: unknown): string | undefined {
  if (typeof value !== "string" || !URL.canParse(value)) return "baseUrlFrom returned a value that is not an absolute URL";
  const url = new URL(value);
  if (url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOST.test(url.hostname))) return undefined;
  return "baseUrlFrom returned a URL that is not https:// (http:// is taken only for a loopback address)";
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
 * @throws ConnectorBaseUrlError when `baseUrlFrom` throws or returns anything but an absolute https URL.
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
