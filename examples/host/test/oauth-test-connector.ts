import { type ConnectorDefinition, defineAction, defineConnector } from "@neonhub/connectors";
import { z } from "zod";
import { createConnectionService, type ConnectionService, type ConnectionServiceOptions } from "../src/connections/connection-service.js";

/**
 * A connector whose OAuth 2.0 endpoints are a local authorization server and whose API is a local stand-in; the
 * token endpoint may be another address in front of the server's (to hold a refresh while other hosts wait), and
 * the API's host may be derived from each connection's credentials.
 */
export function createOAuthTestConnector(authorizationServerUrl: string, apiUrl: string, options: { tokenUrl?: string; baseUrlFrom?: ConnectorDefinition["baseUrlFrom"] } = {}) {
  return defineConnector({
    id: "acme-oauth",
    kind: "ACME_OAUTH",
    displayName: "Acme OAuth",
    baseUrl: apiUrl,
    ...(options.baseUrlFrom === undefined ? {} : { baseUrlFrom: options.baseUrlFrom }),
    auth: {
      type: "oauth2",
      tokenUrl: options.tokenUrl ?? `${authorizationServerUrl}/token`,
      authorizationUrl: `${authorizationServerUrl}/authorize`,
      revocationUrl: `${authorizationServerUrl}/revoke`,
      issuer: authorizationServerUrl,
      scopes: ["profile.read", "posts.write"],
    },
    connectionTest: { method: "GET", path: "/me" },
    actions: {
      whoAmI: defineAction({
        description: "Returns the connected account",
        repeatSafety: "safe",
        input: z.object({}),
        output: z.object({ account: z.string() }),
        run: async (_input, context) => ({ account: String((await context.http.request({ method: "GET", path: "/me" })).body) }),
        fixture: () => ({ account: "mock" }),
      }),
    },
  });
}

/**
 * The connection service of the OAuth tests: `connector`'s client (`client-1`), the host's callback and a return URL
 * on example.com, and plain HTTP allowed to the local authorization server. `options` add to it or replace any of it.
 */
export function createOAuthTestService(connector: ConnectorDefinition, options: Pick<ConnectionServiceOptions, "store" | "states" | "connectors"> & Partial<ConnectionServiceOptions>): ConnectionService {
  return createConnectionService({
    oauthClients: { [connector.id]: { clientId: "client-1", clientSecret: "secret-1" } },
    redirectUri: "https://api.example.com/v1/oauth/callback",
    returnUrls: ["https://app.example.com/settings/"],
    allowInsecureOAuthRequests: true,
    ...options,
  });
}
