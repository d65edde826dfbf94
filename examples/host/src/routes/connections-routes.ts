import { ConfigurationError, type ConnectionSummary } from "@neonhub/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ConnectionService } from "../connections/connection-service.js";
import { requireCaller } from "../plugins/api-key-auth-plugin.js";
import {
  authorizationSchema,
  authorizeInputSchema,
  confirmInputSchema,
  connectionDeletionSchema,
  connectionRevocationSchema,
  connectionInputSchema,
  connectionListSchema,
  connectionParamsSchema,
  connectionSchema,
  connectionTestSchema,
} from "../schemas/connection-schemas.js";
import { authenticatedErrorResponses, problemResponses } from "../schemas/problem-schema.js";

/** Options of {@link connectionsRoutes}. */
export interface ConnectionsRoutesOptions {
  connections: ConnectionService;
}

const security = [{ apiKey: [] }];
const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/** The API view of a connection: never its credentials. */
export function connectionView(summary: ConnectionSummary) {
  return {
    connector: summary.connector,
    authType: summary.authType,
    status: summary.status,
    expiresAt: iso(summary.expiresAt),
    lastUsedAt: iso(summary.lastUsedAt),
    lastError: summary.lastError,
    createdAt: summary.createdAt.toISOString(),
    updatedAt: summary.updatedAt.toISOString(),
  };
}

/** `/v1/connections`: the caller's organization's connections to connectors. */
export const connectionsRoutes: FastifyPluginAsyncZod<ConnectionsRoutesOptions> = async (fastify, options) => {
  if (typeof options?.connections?.list !== "function") throw new ConfigurationError("connectionsRoutes needs a connection service.");
  const { connections } = options;

  fastify.get(
    "/connections",
    { config: { scope: "connections:read" }, schema: { summary: "The organization's connections with their status (never their credentials)", tags: ["connections"], security, response: { 200: connectionListSchema, ...authenticatedErrorResponses } } },
    async (request) => ({ connections: (await connections.list(requireCaller(request).organizationId)).map(connectionView) }),
  );

  fastify.put(
    "/connections/:connector",
    {
      config: { scope: "connections:write" },
      schema: {
        summary: "Creates or replaces a connection from API-key, basic or bearer credentials",
        tags: ["connections"],
        security,
        params: connectionParamsSchema,
        body: connectionInputSchema,
        response: { 200: connectionSchema, ...authenticatedErrorResponses, ...problemResponses({ 404: "No such connector." }) },
      },
    },
    async (request) => {
      const { authType, credentials, expiresAt } = request.body;
      const summary = await connections.set(requireCaller(request).organizationId, request.params.connector, {
        credentials,
        ...(authType === undefined ? {} : { authType }),
        ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt) }),
      });
      return connectionView(summary);
    },
  );

  fastify.delete(
    "/connections/:connector",
    {
      config: { scope: "connections:write" },
      schema: {
        summary: "Deletes a connection, revoking the grant at the provider where it offers revocation",
        tags: ["connections"],
        security,
        params: connectionParamsSchema,
        response: { 200: connectionDeletionSchema, ...authenticatedErrorResponses, ...problemResponses({ 404: "No such connector, or no connection to it." }) },
      },
    },
    async (request) => ({ ...(await connections.remove(requireCaller(request).organizationId, request.params.connector)), deleted: true as const }),
  );

  fastify.post(
    "/connections/:connector/revoke",
    {
      config: { scope: "connections:write" },
      schema: {
        summary: "Revokes a connection: withdraws the grant at the provider where it offers revocation and keeps the connection as REVOKED until it is connected again",
        description:
          "`revocation` is `revoked` when the provider withdrew the grant, `not_offered` when it offers no revocation, and `failed` when it refused, could not be reached or did not answer in time. A connection already REVOKED is revoked at the provider again: a retry after `failed`, and `revoked` when the provider answers that the token is revoked (RFC 7009 answers 200; a connector's own call refused as unauthorized counts too).",
        tags: ["connections"],
        security,
        params: connectionParamsSchema,
        response: { 200: connectionRevocationSchema, ...authenticatedErrorResponses, ...problemResponses({ 404: "No such connector, or no connection to it." }) },
      },
    },
    async (request) => connections.revoke(requireCaller(request).organizationId, request.params.connector),
  );

  fastify.post(
    "/connections/:connector/test",
    {
      config: { scope: "connections:write" },
      schema: {
        summary: "Tests a connection with the connector's cheap live call (Slack auth.test, Stripe balance, ...)",
        tags: ["connections"],
        security,
        params: connectionParamsSchema,
        response: {
          200: connectionTestSchema,
          ...authenticatedErrorResponses,
          ...problemResponses({ 404: "No such connector, or no connection to it.", 409: "The connector declares no connection test." }),
        },
      },
    },
    async (request) => connections.test(requireCaller(request).organizationId, request.params.connector),
  );

  fastify.post(
    "/connections/:connector/authorize",
    {
      config: { scope: "connections:write" },
      schema: {
        summary: "Starts an OAuth 2.0 authorization (code flow with PKCE): answers the provider URL to send the person to",
        tags: ["connections"],
        security,
        params: connectionParamsSchema,
        body: authorizeInputSchema,
        response: {
          200: authorizationSchema,
          ...authenticatedErrorResponses,
          ...problemResponses({
            400: 'The body is invalid (`fieldErrors`), the return URL is not allowed (`RETURN_URL_NOT_ALLOWED`), or the host requires `"completion": "confirm"` and the request asks for another or for none (`OAUTH_COMPLETION_REQUIRED`).',
            404: "No such connector.",
            409: "The connector has no OAuth authorization (`OAUTH_NOT_SUPPORTED`), no OAuth client is configured for it (`OAUTH_NOT_CONFIGURED`), or the connectors are in mock mode, which sends nothing to providers (`OAUTH_MOCK_MODE`).",
          }),
        },
      },
    },
    async (request) => {
      const started = await connections.authorize(requireCaller(request), request.params.connector, request.body.returnUrl, request.body.completion);
      return { authorizationUrl: started.authorizationUrl, expiresAt: started.expiresAt.toISOString() };
    },
  );

  fastify.post(
    "/connections/:connector/authorize/confirm",
    {
      config: { scope: "connections:write" },
      schema: {
        summary: "Confirms an OAuth 2.0 authorization of `confirm` completion: stores the grant's tokens as the connection when the caller started it",
        description:
          "The grant is used once, whatever the answer: a caller of another organization or user gets 403 and the grant is spent, so an authorization URL finished by someone else links nothing.",
        tags: ["connections"],
        security,
        params: connectionParamsSchema,
        body: confirmInputSchema,
        response: {
          200: connectionSchema,
          ...authenticatedErrorResponses,
          ...problemResponses({
            400: "The grant is malformed (`fieldErrors`), unknown, used or expired (`OAUTH_GRANT_INVALID`, `OAUTH_GRANT_EXPIRED`), of another connector (`OAUTH_GRANT_CONNECTOR_MISMATCH`), or its tokens derive a base URL that a `baseUrl` field could not name (`OAUTH_BASE_URL_REFUSED`); nothing is stored.",
            403: "The grant was started by another organization or user (`OAUTH_GRANT_MISMATCH`; nothing is stored and the grant is spent), or the key lacks `connections:write`, or a session request lacks its CSRF token.",
            404: "No such connector.",
          }),
        },
      },
    },
    async (request) => connectionView(await connections.confirm(requireCaller(request), request.params.connector, request.body.grant)),
  );
};
