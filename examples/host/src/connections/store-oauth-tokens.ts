import type { ConnectionCredentials, CredentialStore } from "@neonhub/core";
import type { ConnectorDefinition } from "@neonhub/connectors";
import { ConnectionApiError } from "../http/host-error.js";
import { derivedBaseUrlProblem } from "./validate-credentials.js";

/** Where the tokens of a finished authorization go, and what the operator adds to them. */
export interface OAuthTokensTarget {
  store: CredentialStore;
  connector: ConnectorDefinition;
  organizationId: string;
  /** The operator's own fields of the connector's `credentialHeaders` (Google Ads' developer token). */
  operatorFields: Readonly<Record<string, string>> | undefined;
}

/** The tokens a code exchange gave. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string | null;
}

/**
 * Stores the tokens of a finished authorization as the organization's OAuth 2.0 connection. The provider gives tokens
 * only: the fields sent beside them (a developer token, a manager account id, a base URL) come from the operator's
 * configuration and from the connection being replaced, which keeps its own.
 * @throws ConnectionApiError `OAUTH_BASE_URL_REFUSED` before anything is stored, as {@link refuseDerivedBaseUrlOf}.
 */
export async function storeOAuthTokens(target: OAuthTokensTarget, tokens: OAuthTokens, expiresAt: Date | null): Promise<ConnectionCredentials> {
  const { store, connector, organizationId } = target;
  const credentials = credentialsOf(connector, target.operatorFields, (await store.get(organizationId, connector.id))?.credentials, tokens);
  refuseDerivedBaseUrl(connector, credentials);
  return store.put({ organizationId, connector: connector.id, authType: "oauth2", credentials, expiresAt });
}

/**
 * Refuses tokens from which, with the fields the connection would keep now, the connector derives a base URL
 * (`baseUrlFrom`) that a `baseUrl` field could not name: the check `PUT` makes. A token refresh is not checked: it
 * replaces the tokens of the same provider account, whose host was checked when it was connected, and keeps every
 * other field as it is.
 * @throws ConnectionApiError `OAUTH_BASE_URL_REFUSED`, naming the problem and no value.
 */
export async function refuseDerivedBaseUrlOf(target: OAuthTokensTarget, tokens: OAuthTokens): Promise<void> {
  // Nothing to derive: the connection being replaced need not be read.
  if (target.connector.baseUrlFrom === undefined) return;
  const previous = (await target.store.get(target.organizationId, target.connector.id))?.credentials;
  refuseDerivedBaseUrl(target.connector, credentialsOf(target.connector, target.operatorFields, previous, tokens));
}

function refuseDerivedBaseUrl(connector: ConnectorDefinition, credentials: Record<string, string>): void {
  const problem = derivedBaseUrlProblem(connector, credentials);
  if (problem === undefined) return;
  throw new ConnectionApiError("OAUTH_BASE_URL_REFUSED", `The credentials of this ${connector.displayName} authorization ${problem.message}; nothing was stored.`);
}

/** The credentials a connection made through the code flow holds: the kept fields and the tokens. */
function credentialsOf(connector: ConnectorDefinition, operatorFields: Readonly<Record<string, string>> | undefined, previous: Readonly<Record<string, string>> | undefined, tokens: OAuthTokens): Record<string, string> {
  const kept = keptFieldsOf(connector, operatorFields, previous);
  return { ...kept, accessToken: tokens.accessToken, ...(tokens.refreshToken === null ? {} : { refreshToken: tokens.refreshToken }) };
}

/** The non-token fields a connection made through the code flow keeps: the connector's header fields and `baseUrl`. */
function keptFieldsOf(connector: ConnectorDefinition, operatorFields: Readonly<Record<string, string>> | undefined, previous: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const names = [...Object.values(connector.auth.credentialHeaders ?? {}), "baseUrl"];
  const kept: Record<string, string> = {};
  for (const name of names) {
    const value = previous?.[name] ?? (name === "baseUrl" ? undefined : operatorFields?.[name]);
    if (value !== undefined && value !== "") kept[name] = value;
  }
  return kept;
}
