import type { ConnectorClient } from "@neonhub/connectors";
import type { ConnectorCatalog, ConnectorCatalogEntry } from "../routes/catalog-routes.js";
import { providerRevocationOf } from "./provider-revocation.js";
import { credentialFieldsOf } from "./validate-credentials.js";

/** What a person needs to connect a connector: how it authenticates and which connection requests it offers. */
export type ConnectorAuthView = ConnectorCatalogEntry["auth"];

/**
 * The catalog `GET /v1/connectors` lists: every connector with its mode, actions and `auth` (its auth type, the
 * credential fields a connection must and may have, and whether it offers the OAuth code flow, a connection test
 * and revocation), so a client such as the inspector can show the right connect form. The code flow is offered in
 * live mode only.
 * @param hasOAuthClient whether the host has an OAuth client for the connector (the code flow and a revocation at an
 * RFC 7009 endpoint need one).
 * @param hasRedirectUri whether the host has a callback URL to send people back to (`NEONHUB_PUBLIC_URL`): the code
 * flow needs one too, and is refused with `OAUTH_NOT_CONFIGURED` without it.
 */
export function createConnectorCatalog(connectors: Pick<ConnectorClient, "catalog" | "registry">, hasOAuthClient: (connector: string) => boolean, hasRedirectUri: boolean): ConnectorCatalog {
  const authOf = (entry: ReturnType<ConnectorClient["catalog"]>[number]): ConnectorAuthView => {
    if (!entry.implemented || !connectors.registry.has(entry.id)) return { type: entry.authType, fields: [], optionalFields: [], authorize: false, test: false, revoke: false };
    const connector = connectors.registry.get(entry.id);
    const { required, optional } = credentialFieldsOf(connector.auth);
    return {
      type: connector.auth.type,
      fields: required,
      optionalFields: optional,
      // Mock mode refuses the code flow: it would end with a code exchange at the provider.
      authorize: entry.mode === "live" && hasRedirectUri && connector.auth.type === "oauth2" && connector.auth.authorizationUrl !== undefined && hasOAuthClient(connector.id),
      test: connector.connectionTest !== undefined,
      // What deleting and revoking a connection go by, so the flag says whether they ask the provider.
      revoke: providerRevocationOf(connector, hasOAuthClient(connector.id)) !== null,
    };
  };
  return {
    list: () => connectors.catalog().map((entry) => ({ id: entry.id, kind: entry.kind, displayName: entry.displayName, mode: entry.mode, implemented: entry.implemented, actions: entry.actions, auth: authOf(entry) })),
  };
}
