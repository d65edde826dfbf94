import type { ConnectionStatus } from "@neonhub/core";
import { ConnectorAuthError } from "../sdk/connector-auth-error.js";

/** The OAuth client an operator registered with a provider for one connector. */
export interface OAuthClientCredentials {
  clientId: string;
  /** Absent for public clients (PKCE only). */
  clientSecret?: string;
}

/** Finds the configured OAuth client of a connector; undefined when none is configured. */
export type OAuthClientLookup = (connector: string) => OAuthClientCredentials | undefined;

/** The typed error of a call through a connection that cannot be used until someone connects it again. */
export function connectionUnusableError(connector: string, status: Exclude<ConnectionStatus, "ACTIVE" | "ERROR">): ConnectorAuthError {
  return status === "REVOKED"
    ? new ConnectorAuthError(connector, "revoked", `The ${connector} connection was revoked; connect it again.`)
    : new ConnectorAuthError(connector, "needs_reauth", `The ${connector} connection has expired; connect it again.`);
}
