import { ConfigurationError, systemClock, UnauthorizedError, type ApiKeyStore, type Clock } from "@neonhub/core";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { hashApiKey, isApiKeyActive } from "../auth/api-key.js";
import { readCookie, SESSION_COOKIE, sessionCookie } from "../inspector/session-cookie.js";
import type { SessionStore } from "../inspector/session-store.js";
import { requireCaller } from "../plugins/api-key-auth-plugin.js";
import { authenticatedErrorResponses, problemResponses } from "../schemas/problem-schema.js";
import { sessionSchema, signInBodySchema } from "../schemas/session-schemas.js";

/** Options of {@link sessionRoutes}. */
export interface SessionRoutesOptions {
  apiKeyStore: ApiKeyStore;
  sessions: SessionStore;
  /**
   * The host's public URL. When it is HTTPS the cookie is always `Secure`, since a TLS-terminating proxy hands the
   * request over plain HTTP; otherwise it is `Secure` when this server itself serves HTTPS.
   */
  publicUrl?: string | null;
  /** What a key's expiry is compared with at sign-in; the system clock by default. */
  clock?: Pick<Clock, "now">;
}

const INVALID_KEY = "The API key is not valid.";

/** `/ui/session`: the inspector exchanges an API key for a session cookie, reads its CSRF token and signs out. */
export const sessionRoutes: FastifyPluginAsyncZod<SessionRoutesOptions> = async (fastify, options) => {
  if (typeof options?.sessions?.create !== "function" || typeof options.apiKeyStore?.findByHash !== "function") {
    throw new ConfigurationError("sessionRoutes needs a session store and an apiKeyStore.");
  }
  const { apiKeyStore, sessions, clock = systemClock } = options;
  const maxAgeSeconds = Math.floor(sessions.absoluteTtlMs / 1_000);
  const publicUrl = options.publicUrl ?? null;
  const publiclyHttps = publicUrl !== null && URL.canParse(publicUrl) && new URL(publicUrl).protocol === "https:";
  const secure = (request: FastifyRequest) => publiclyHttps || request.protocol === "https";

  fastify.post(
    "/ui/session",
    {
      schema: {
        summary: "Sign in to the inspector with an API key",
        description: "Sets an HttpOnly, SameSite=Strict session cookie; the key itself is never stored in the browser.",
        tags: ["inspector"],
        body: signInBodySchema,
        response: { 200: sessionSchema, ...problemResponses({ 401: INVALID_KEY }) },
      },
    },
    async (request, reply) => {
      const keyHash = hashApiKey(request.body.apiKey);
      const record = await apiKeyStore.findByHash(keyHash);
      if (!record || !isApiKeyActive(record, clock.now())) throw new UnauthorizedError(INVALID_KEY);
      // A sign-in replaces the session the browser had, so an old cookie cannot be fixed on a new sign-in.
      const previous = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (previous !== null) sessions.delete(previous);
      const { id, session } = sessions.create(keyHash);
      request.log.info({ organizationId: record.organizationId, userId: record.userId, apiKeyId: record.id }, "inspector sign-in");
      reply.header("set-cookie", sessionCookie(id, { maxAgeSeconds, secure: secure(request) }));
      reply.header("cache-control", "no-store");
      return { organizationId: record.organizationId, userId: record.userId, csrfToken: session.csrfToken };
    },
  );

  fastify.get(
    "/ui/session",
    {
      onRequest: fastify.authenticate,
      schema: { summary: "The current inspector session", tags: ["inspector"], response: { 200: sessionSchema, ...authenticatedErrorResponses } },
    },
    async (request, reply) => {
      const caller = requireCaller(request);
      const session = sessions.find(readCookie(request.headers.cookie, SESSION_COOKIE) ?? "");
      if (!session) throw new UnauthorizedError("Sign in to the inspector first.");
      reply.header("cache-control", "no-store");
      return { organizationId: caller.organizationId, userId: caller.userId, csrfToken: session.csrfToken };
    },
  );

  fastify.delete(
    "/ui/session",
    {
      onRequest: fastify.authenticate,
      schema: { summary: "Sign out of the inspector", tags: ["inspector"], response: { 204: z.null(), ...authenticatedErrorResponses } },
    },
    async (request, reply) => {
      const sessionId = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (sessionId !== null) sessions.delete(sessionId);
      return reply
        .code(204)
        .header("set-cookie", sessionCookie("", { maxAgeSeconds: 0, secure: secure(request) }))
        .send(null);
    },
  );
};
