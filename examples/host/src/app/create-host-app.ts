import type { ApiVersionStatus } from "@neonhub/connectors";
import { ConfigurationError, type ApiKeyStore, type Clock, type Orchestrator, type ScheduleManager } from "@neonhub/core";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { answerClientError } from "../http/answer-client-error.js";
import { parseJsonBodies } from "../http/parse-json-bodies.js";
import { refuseContentEncoding } from "../http/refuse-content-encoding.js";
import { refuseForeignCharset } from "../http/refuse-foreign-charset.js";
import { refuseRepeatedQuery } from "../http/refuse-repeated-query.js";
import { refuseUnknownQuery } from "../http/refuse-unknown-query.js";
import { refuseWhileClosing } from "../http/refuse-while-closing.js";
import type { InspectorAssets } from "../inspector/inspector-assets.js";
import { createRunEventHub, type RunEventHub } from "../inspector/run-event-hub.js";
import { createSessionStore, type SessionStore } from "../inspector/session-store.js";
import { apiKeyAuth } from "../plugins/api-key-auth-plugin.js";
import { openApi } from "../plugins/openapi-plugin.js";
import { handleError, problemDetails } from "../plugins/problem-details-plugin.js";
import type { ConnectionService } from "../connections/connection-service.js";
import { catalogRoutes, type ConnectorCatalog } from "../routes/catalog-routes.js";
import { connectionsRoutes } from "../routes/connections-routes.js";
import { oauthCallbackRoutes } from "../routes/oauth-callback-routes.js";
import { explainMissingConnections } from "../routes/explain-missing-connections.js";
import { operationsRoutes, type HealthCheck, type MetricsExporter } from "../routes/operations-routes.js";
import { inspectorRoutes } from "../routes/inspector-routes.js";
import { runEventsRoutes } from "../routes/run-events-routes.js";
import { runSummaryRoutes } from "../routes/run-summary-routes.js";
import { runsRoutes } from "../routes/runs-routes.js";
import { schedulesRoutes } from "../routes/schedules-routes.js";
import { sessionRoutes } from "../routes/session-routes.js";

/** Everything the HTTP API needs; tests pass in-memory parts, the process entry real ones. */
export interface HostAppDependencies {
  orchestrator: Orchestrator;
  apiKeyStore: ApiKeyStore;
  connectors: ConnectorCatalog;
  metrics: MetricsExporter;
  /** `database` at least; `redis` when configured. */
  healthChecks: Record<string, HealthCheck>;
  /** The standing of the connectors' provider API versions, listed by `/api/health` when one needs moving. */
  connectorApiVersions?: () => readonly ApiVersionStatus[];
  version: string;
  /** A pino logger; none (silent) by default. */
  logger?: FastifyBaseLogger;
  /** Largest accepted body. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** The connection API (`/v1/connections`, `/v1/oauth/callback`); left out when the host has no credentials key. */
  connections?: ConnectionService;
  /** The schedule API (`/v1/schedules`); left out when the host has no schedule store. */
  schedules?: ScheduleManager;
  /** The host's public URL (`NEONHUB_PUBLIC_URL`); when HTTPS, the inspector's session cookie is always `Secure`. */
  publicUrl?: string | null;
  /** Browser sessions of the inspector. Default: an in-memory store with the default limits. */
  sessions?: SessionStore;
  /**
   * Where live run events come from; wrap the orchestrator's store with `withRunEvents` on the same hub.
   * Default: a hub that nothing publishes to (streams then only carry heartbeats).
   */
  runEvents?: RunEventHub;
  /** The built inspector served at `/`; null or absent serves a page that says how to build it. */
  inspectorAssets?: InspectorAssets | null;
  /** Check every response against its zod schema before sending it (tests turn this on). Default false. */
  validateResponses?: boolean;
  /**
   * What stored times are compared with: API keys' expiry on every request, and the end of the run summary's window
   * (runs are stamped by the orchestrator's clock, so give the same one). Default: the system clock.
   */
  clock?: Pick<Clock, "now">;
}

/** Default body limit: generous for agent inputs, small enough to refuse abuse early. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Node's `maxHeaderSize`: the request line and headers together, so no path parameter is longer. */
const MAX_REQUEST_HEAD_BYTES = 16 * 1024;

/**
 * Builds the Fastify app of the NeonHub API (not listening yet).
 * @example
 * const app = await createHostApp({ orchestrator, apiKeyStore, connectors, metrics, healthChecks, version: "1.0.0" });
 * await app.listen({ port: 3000, host: "127.0.0.1" });
 */
export async function createHostApp(dependencies: HostAppDependencies): Promise<FastifyInstance> {
  if (!dependencies?.orchestrator || !dependencies.apiKeyStore) throw new ConfigurationError("createHostApp needs an orchestrator and an apiKeyStore.");
  const app = Fastify({
    ...(dependencies.logger ? { loggerInstance: dependencies.logger } : { logger: false }),
    bodyLimit: dependencies.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    // Errors raised before routing (a malformed URL, for example) get the same problem documents.
    frameworkErrors: (error, request, reply) => handleError(error, request, reply),
    // Requests Node's parser refuses (oversized headers, malformed HTTP) get problem documents too.
    clientErrorHandler: answerClientError,
    // refuseWhileClosing answers requests that arrive while closing, with a problem document.
    return503OnClosing: false,
    // Fastify's router answers 414 to a path parameter over 100 characters before the route's schema sees it. No
    // route matches parameters with a pattern, so any length the request line allows is left to the schemas,
    // which answer 400 naming the parameter (`params.id`).
    routerOptions: { maxParamLength: MAX_REQUEST_HEAD_BYTES },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // Responses are built by typed mappers from records that the core already validated, so in production they are
  // written with JSON.stringify: validating each again with zod cost more than the rest of the route. The schemas
  // still document every route in the OpenAPI document, and the route tests validate every response with them.
  app.setSerializerCompiler(dependencies.validateResponses ? serializerCompiler : () => (data) => JSON.stringify(data));
  // The API speaks JSON in UTF-8 only, as sent: any other body, one declared in another charset, or one in a content
  // coding (gzip) is refused with 415 before it is read.
  app.removeContentTypeParser("text/plain");
  app.addHook("preParsing", refuseForeignCharset);
  app.addHook("preParsing", refuseContentEncoding);
  refuseWhileClosing(app);
  parseJsonBodies(app);

  await app.register(problemDetails);
  await app.register(openApi, { version: dependencies.version });
  const sessions = dependencies.sessions ?? createSessionStore();
  const runEvents = dependencies.runEvents ?? createRunEventHub();
  const { clock } = dependencies;
  await app.register(apiKeyAuth, { apiKeyStore: dependencies.apiKeyStore, sessions, clock });
  await app.register(inspectorRoutes, { assets: dependencies.inspectorAssets ?? null });
  await app.register(async (ui) => {
    ui.addHook("onRoute", refuseUnknownQuery);
    ui.addHook("preValidation", refuseRepeatedQuery);
    await ui.register(sessionRoutes, { apiKeyStore: dependencies.apiKeyStore, sessions, publicUrl: dependencies.publicUrl ?? null, clock });
  });
  // Left without the query check: load balancer probes, uptime checkers and Prometheus scrape configs add query
  // parameters of their own (cache busters, `params`), and a 400 there would read as the host being down.
  await app.register(operationsRoutes, {
    version: dependencies.version,
    healthChecks: dependencies.healthChecks,
    metrics: dependencies.metrics,
    ...(dependencies.connectorApiVersions === undefined ? {} : { connectorApiVersions: dependencies.connectorApiVersions }),
  });
  await app.register(
    async (v1) => {
      v1.addHook("onRoute", v1.checkRouteScope);
      v1.addHook("onRoute", refuseUnknownQuery);
      v1.addHook("onRequest", v1.authenticate);
      v1.addHook("onRequest", v1.requireScope);
      v1.addHook("preValidation", refuseRepeatedQuery);
      await v1.register(runEventsRoutes, { hub: runEvents });
      await v1.register(runSummaryRoutes, { orchestrator: dependencies.orchestrator, ...(clock ? { now: () => clock.now() } : {}) });
      await v1.register(runsRoutes, { orchestrator: dependencies.orchestrator });
      await v1.register(catalogRoutes, { orchestrator: dependencies.orchestrator, connectors: dependencies.connectors });
      if (dependencies.connections) await v1.register(connectionsRoutes, { connections: dependencies.connections });
      if (dependencies.schedules) await v1.register(schedulesRoutes, { schedules: dependencies.schedules });
    },
    { prefix: "/v1" },
  );
  if (dependencies.connections) {
    const connections = dependencies.connections;
    await app.register(oauthCallbackRoutes, { prefix: "/v1", connections });
    // The grants those revocations took are gone from the store: a host that stopped before them would leave the tokens valid.
    app.addHook("onClose", () => connections.revocationsSettled());
  } else {
    await app.register(explainMissingConnections, { prefix: "/v1/connections" });
  }
  await app.ready();
  return app;
}
