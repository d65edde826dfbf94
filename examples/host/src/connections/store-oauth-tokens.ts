import type { ConnectionCredentials, CredentialStore } from "@neonhub/core";
import type { ConnectorDefinition } from "@neonhub/connectors";

/** Where the tokens of a finished authorization go, and what the operator adds to them. */
export interface OAuthTokensTarget {
  store: CredentialStore;
  connector: ConnectorDefinition;
  organizationId: string;
  /** The operator's own fields of the connector's `credentialHeaders` (Google Ads' developer token). */
  operatorFields: Readonly<Record<string, string>> | undefined;
}

/**
 * Stores the tokens of a finished authorization as the organization's OAuth 2.0 connection. The provider gives tokens
 * only: the fields sent beside them (a developer token, a manager account id, a base URL) come from the operator's
 * configuration and from the connection being replaced, which keeps its own.
 */
export async function storeOAuthTokens(target: OAuthTokensTarget, tokens: { accessToken: string; refreshToken: string | null }, expiresAt: Date | null): Promise<ConnectionCredentials> {
  const { store, connector, organizationId } = target;
  const kept = keptFieldsOf(connector, target.operatorFields, (await store.get(organizationId, connector.id))?.credentials);
  return store.put({
    organizationId,
    connector: connector.id,
    authType: "oauth2",
    credentials: { ...kept, accessToken: tokens.accessToken, ...(tokens.refreshToken === null ? {} : { refreshToken: tokens.refreshToken }) },
    expiresAt,
  });
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
