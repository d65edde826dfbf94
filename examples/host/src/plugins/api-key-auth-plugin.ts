import { ConfigurationError, systemClock, UnauthorizedError, type ApiKeyStore, type CallerContext, type Clock } from "@neonhub/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fastifyPlugin from "fastify-plugin";
import { hashApiKey, isApiKeyActive } from "../auth/api-key.js";
import { isApiScope, type ApiScope } from "../auth/api-scopes.js";
import { ForbiddenRequestError } from "../http/forbidden-request-error.js";
import { CSRF_HEADER, readCookie, SESSION_COOKIE } from "../inspector/session-cookie.js";
import { tokensMatch, type SessionStore } from "../inspector/session-store.js";

/** Options of {@link apiKeyAuth}. */
export interface ApiKeyAuthOptions {
  apiKeyStore: ApiKeyStore;
  /**
   * Browser sessions of the inspector. When given, a request without an `Authorization` header may authenticate
   * with the session cookie instead; then any method other than GET and HEAD also needs the session's CSRF token
   * in the `x-csrf-token` header.
   */
  sessions?: SessionStore;
  /** What a key's expiry is compared with on every request; the system clock by default. */
  clock?: Pick<Clock, "now">;
}

/** The authenticated caller of a request, with the key that identified it. */
export interface AuthenticatedCaller extends CallerContext {
  apiKeyId: string;
  scopes: string[];
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the `authenticate` hook on protected routes; null elsewhere. */
    caller: AuthenticatedCaller | null;
  }
  interface FastifyInstance {
    /** `onRequest` hook that requires `Authorization: Bearer <key>` and sets `request.caller`. */
    authenticate(request: FastifyRequest): Promise<void>;
    /** `onRequest` hook, after `authenticate`: refuses with 403 a caller whose key lacks the route's `config.scope`. */
    requireScope(request: FastifyRequest): Promise<void>;
    /** `onRoute` hook: refuses to register a route that names no known `config.scope`, so none is left open by mistake. */
    checkRouteScope(route: RouteWithScope): void;
  }
  interface FastifyContextConfig {
    /** The scope an API key needs for this route. */
    scope?: ApiScope;
  }
}

/** What `checkRouteScope` reads of a route being registered. */
interface RouteWithScope {
  url: string;
  method: string | string[];
  config?: unknown;
  schema?: { description?: string };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// RFC 9110 section 11.1: the scheme name is case-insensitive, and one or more spaces separate it from the token68.
const BEARER_PATTERN = /^bearer +([A-Za-z0-9._~+/=-]{1,512})$/i;

async function apiKeyAuthPlugin(fastify: FastifyInstance, options: ApiKeyAuthOptions): Promise<void> {
  if (typeof options?.apiKeyStore?.findByHash !== "function") {
    throw new ConfigurationError("apiKeyAuth needs an apiKeyStore implementing the ApiKeyStore port.");
  }
  const { apiKeyStore, sessions, clock = systemClock } = options;
  fastify.decorateRequest("caller", null);
  fastify.decorate("authenticate", async (request: FastifyRequest) => {
    const sessionId = sessions && request.headers.authorization === undefined ? readCookie(request.headers.cookie, SESSION_COOKIE) : null;
    let keyHash: string;
    if (sessions && sessionId !== null) {
      const session = sessions.find(sessionId);
      if (!session) throw new UnauthorizedError("The session has ended: sign in again.");
      const token = request.headers[CSRF_HEADER];
      if (!SAFE_METHODS.has(request.method) && !tokensMatch(session.csrfToken, typeof token === "string" ? token : undefined)) {
        throw new ForbiddenRequestError(`A request made with the session cookie must carry the session's CSRF token in \`${CSRF_HEADER}\`.`);
      }
      keyHash = session.apiKeyHash;
    } else {
      const match = BEARER_PATTERN.exec(request.headers.authorization ?? "");
      // One message for every failure, so that a caller cannot tell a revoked key from an unknown one.
      if (!match?.[1]) throw new UnauthorizedError("Send a valid API key as `Authorization: Bearer <key>`.");
      keyHash = hashApiKey(match[1]);
    }
    const record = await apiKeyStore.findByHash(keyHash);
    // Expiry is checked here, on every request, and not when the key is cached, so it holds to the millisecond.
    if (!record || !isApiKeyActive(record, clock.now())) throw new UnauthorizedError("Send a valid API key as `Authorization: Bearer <key>`.");
    request.caller = { organizationId: record.organizationId, userId: record.userId, apiKeyId: record.id, scopes: record.scopes };
  });
  fastify.decorate("requireScope", async (request: FastifyRequest) => {
    const scope = request.routeOptions.config.scope;
    const caller = requireCaller(request);
    // A route without a scope is refused too: checkRouteScope keeps that from happening, this keeps it closed if it does.
    if (scope === undefined || !caller.scopes.includes(scope)) {
      throw new ForbiddenRequestError(`This API key lacks the scope this request needs${scope ? ` (\`${scope}\`)` : ""}; issue a key with it.`);
    }
  });
  fastify.decorate("checkRouteScope", (route: RouteWithScope) => {
    const scope = (route.config as { scope?: unknown } | undefined)?.scope;
    if (!isApiScope(scope)) throw new ConfigurationError(`Route ${String(route.method)} ${route.url} must name the API key scope it needs in config.scope.`);
    // The OpenAPI document says which scope each operation needs.
    if (route.schema && !route.schema.description?.includes("API key scope")) {
      route.schema.description = `${route.schema.description ? `${route.schema.description}\n\n` : ""}Needs the API key scope \`${scope}\`.`;
    }
  });
}

/**
 * Authenticates callers with hashed API keys. Register it once; then add `fastify.authenticate` as an `onRequest`
 * hook in the scope of the protected routes.
 * Each protected route names the scope it needs in `config.scope`; `requireScope` checks it after `authenticate`.
 * @example
 * await app.register(apiKeyAuth, { apiKeyStore });
 * await app.register(async (v1) => {
 *   v1.addHook("onRoute", v1.checkRouteScope);
 *   v1.addHook("onRequest", v1.authenticate);
 *   v1.addHook("onRequest", v1.requireScope);
 *   await v1.register(runsRoutes);
 * });
 */
export const apiKeyAuth = fastifyPlugin(apiKeyAuthPlugin, { name: "neonhub-api-key-auth", fastify: "5.x" });

/** The caller of a request that passed `authenticate`. */
export function requireCaller(request: FastifyRequest): AuthenticatedCaller {
  if (!request.caller) throw new UnauthorizedError("Send a valid API key as `Authorization: Bearer <key>`.");
  return request.caller;
}
