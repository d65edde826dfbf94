import type { ConnectorDefinition, OAuth2AuthSpec } from "@neonhub/connectors";

/**
 * How deleting or revoking a connection asks the provider to withdraw the grant: at the provider's RFC 7009 endpoint
 * with the host's OAuth client, or with the connector's own `revocation` call (Slack's `auth.revoke`).
 */
export type ProviderRevocation = { through: "rfc7009"; spec: OAuth2AuthSpec & { authorizationUrl: string } } | { through: "connector" };

/**
 * How the provider is asked to withdraw a connection's grant, or null when it offers no revocation. The RFC 7009
 * endpoint wins where the host has an OAuth client for the connector, since it needs one; without a client the
 * connector's own call is used, if it declares one.
 * @param hasOAuthClient whether the host has an OAuth client for the connector.
 */
export function providerRevocationOf(connector: ConnectorDefinition, hasOAuthClient: boolean): ProviderRevocation | null {
  const auth = connector.auth;
  if (auth.type === "oauth2" && auth.revocationUrl !== undefined && auth.authorizationUrl !== undefined && hasOAuthClient) {
    return { through: "rfc7009", spec: { ...auth, authorizationUrl: auth.authorizationUrl } };
  }
  return connector.revocation === undefined ? null : { through: "connector" };
}
