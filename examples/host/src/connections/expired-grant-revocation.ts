import type { Clock, CredentialStore, ExpiredOAuthGrant } from "@neonhub/core";
import type { ConnectorClient, OAuthClientCredentials } from "@neonhub/connectors";
import { oauthProviderOf } from "./oauth-provider.js";
import { providerRevocationOf } from "./provider-revocation.js";
import { PROVIDER_REVOCATION_TIMEOUT_MS, revokeGrantWithin } from "./provider-deadline.js";

/**
 * What became of the tokens of a grant nobody confirmed. `revoked`: the provider's RFC 7009 endpoint accepted their
 * revocation. `not_offered`: the connector has no RFC 7009 endpoint the host has a client for (a connector's own
 * `revocation` call acts on the organization's stored connection, not on these tokens), or the grant holds no token. `connection_kept`: the
 * organization has a working connection to the connector, probably of the same account, which a provider that
 * withdraws the whole authorization along with a token would end. `mock_mode`: nothing is sent to providers.
 * A provider that refuses, cannot be reached or does not answer in 5 seconds rejects instead.
 */
export type ExpiredGrantRevocation = "revoked" | "not_offered" | "connection_kept" | "mock_mode";

/** Options of {@link createExpiredGrantRevoker}. */
export interface ExpiredGrantRevokerOptions {
  store: Pick<CredentialStore, "list">;
  connectors: Pick<ConnectorClient, "registry" | "mode">;
  oauthClients: Readonly<Record<string, OAuthClientCredentials>>;
  clock: Clock;
  /** Lets the revocation go to a plain-HTTP endpoint; for local test servers only. */
  allowInsecureOAuthRequests?: boolean;
}

/**
 * Revokes the tokens of an expired grant at the provider's RFC 7009 endpoint, as deleting a connection does: the
 * refresh token when there is one (revoking it withdraws the grant at providers that follow RFC 7009), else the access
 * token, within 5 seconds of `clock`.
 */
export function createExpiredGrantRevoker(options: ExpiredGrantRevokerOptions): (grant: ExpiredOAuthGrant) => Promise<ExpiredGrantRevocation> {
  const { connectors, clock } = options;
  return async (grant) => {
    // Checked first, so that nothing in mock mode even reads which provider the grant is of.
    if (connectors.mode === "mock") return "mock_mode";
    if (!connectors.registry.has(grant.connector)) return "not_offered";
    const client = options.oauthClients[grant.connector];
    const revocation = providerRevocationOf(connectors.registry.get(grant.connector), client !== undefined);
    if (revocation?.through !== "rfc7009" || client === undefined) return "not_offered";
    const connections = await options.store.list(grant.organizationId);
    if (connections.some((connection) => connection.connector === grant.connector && (connection.status === "ACTIVE" || connection.status === "ERROR"))) {
      return "connection_kept";
    }
    const provider = oauthProviderOf(revocation.spec, client, options.allowInsecureOAuthRequests === true);
    return (await revokeGrantWithin(provider, grant.tokens, { clock, timeoutMs: PROVIDER_REVOCATION_TIMEOUT_MS })) ? "revoked" : "not_offered";
  };
}
