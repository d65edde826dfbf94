import type { ApiVersionStatus } from "@neonhub/connectors";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { refuseWhileClosing } from "../http/refuse-while-closing.js";
import { handleError, problemDetails } from "../plugins/problem-details-plugin.js";
import { operationsRoutes, type HealthCheck, type MetricsExporter } from "../routes/operations-routes.js";

/** What a worker process serves: its health and its metrics, nothing of the API. */
export interface WorkerAppDependencies {
  version: string;
  healthChecks: Record<string, HealthCheck>;
  metrics: MetricsExporter;
  connectorApiVersions?: () => readonly ApiVersionStatus[];
  logger?: FastifyBaseLogger;
}

/**
 * Builds the worker's small Fastify app (not listening yet): `GET /api/health` and `GET /metrics`, both public,
 * for the orchestrator's probes and the Prometheus scrape. Every other path answers 404.
 */
export async function createWorkerApp(dependencies: WorkerAppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    ...(dependencies.logger ? { loggerInstance: dependencies.logger } : { logger: false }),
    frameworkErrors: (error, request, reply) => handleError(error, request, reply),
    // refuseWhileClosing answers requests that arrive while closing, with a problem document.
    return503OnClosing: false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  refuseWhileClosing(app);
  await app.register(problemDetails);
  await app.register(operationsRoutes, {
    version: dependencies.version,
    healthChecks: dependencies.healthChecks,
    metrics: dependencies.metrics,
    ...(dependencies.connectorApiVersions === undefined ? {} : { connectorApiVersions: dependencies.connectorApiVersions }),
  });
  await app.ready();
  return app;
}
