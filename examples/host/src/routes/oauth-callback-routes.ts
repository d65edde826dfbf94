import { ConfigurationError } from "@neonhub/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ConnectionService } from "../connections/connection-service.js";
import { callbackQuerySchema } from "../schemas/connection-schemas.js";
import { problemResponses } from "../schemas/problem-schema.js";

/** Options of {@link oauthCallbackRoutes}. */
export interface OAuthCallbackRoutesOptions {
  connections: ConnectionService;
}

/**
 * `GET /v1/oauth/callback`: where providers send the person back. It needs no API key (a browser arrives here);
 * the single-use state binds it to the organization and user that started the authorization, and a request that
 * does carry an API key must be of that organization and user.
 */
export const oauthCallbackRoutes: FastifyPluginAsyncZod<OAuthCallbackRoutesOptions> = async (fastify, options) => {
  if (typeof options?.connections?.callback !== "function") throw new ConfigurationError("oauthCallbackRoutes needs a connection service.");
  const { connections } = options;

  fastify.get(
    "/oauth/callback",
    {
      schema: {
        summary: "OAuth 2.0 redirect URI: checks the state, exchanges the code and sends the person back to the return URL",
        tags: ["connections"],
        querystring: callbackQuerySchema,
        response: {
          302: z.unknown().meta({
            description:
              "Back to the return URL with `connector` and `status=connected`, `status=confirm&grant=<grant>` for an authorization of `confirm` completion, or `status=error&error=<OAuth error code>` (`base_url_refused` when the connector derives a base URL from the tokens that a `baseUrl` field could not name; nothing is kept).",
          }),
          ...problemResponses({
            400: "The state is missing, unknown, used or expired, or the PKCE verifier is missing; nothing is stored.",
            401: "The request carried an invalid API key.",
            403: "The request's API key belongs to another organization or user than the one that started the authorization.",
            409: "The connectors are in mock mode, which sends nothing to providers (`OAUTH_MOCK_MODE`): the code is not exchanged, nothing is stored, and the state is spent.",
          }),
        },
      },
    },
    async (request, reply) => {
      if (request.headers.authorization !== undefined) await fastify.authenticate(request);
      const caller = request.caller === null ? null : { organizationId: request.caller.organizationId, userId: request.caller.userId };
      const parameters = new URLSearchParams();
      for (const [name, value] of Object.entries(request.query)) if (value !== undefined) parameters.set(name, value);
      const outcome = await connections.callback(parameters, caller);
      return reply.code(302).header("location", outcome.location).header("cache-control", "no-store").send();
    },
  );
};
