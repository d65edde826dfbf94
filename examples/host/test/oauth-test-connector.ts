import { type ConnectorDefinition, defineAction, defineConnector } from "@neonhub/connectors";
import { z } from "zod";

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
