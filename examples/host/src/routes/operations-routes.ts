import { ConfigurationError } from "@neonhub/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiVersionStatus } from "@neonhub/connectors";
import type { z } from "zod";
import { healthSchema, type healthCheckResultSchema } from "../schemas/catalog-schemas.js";

/** Resolves when a dependency is usable; rejects (or times out) when it is not. */
export type HealthCheck = () => Promise<void>;

/** Renders the metrics registry in the Prometheus text format. */
export interface MetricsExporter {
  contentType: string;
  render(): Promise<string>;
}

/** Options of {@link operationsRoutes}. */
export interface OperationsRoutesOptions {
  version: string;
  /** Named checks; `database` at least. Any failing check makes `/api/health` answer 503. */
  healthChecks: Record<string, HealthCheck>;
  metrics: MetricsExporter;
  /** A check that has not answered after this is reported down. Default 2,000 ms. */
  healthCheckTimeoutMs?: number;
  /**
   * The standing of the connectors' pinned provider API versions (the connectors package's `checkApiVersions`);
   * those not `ok` are listed in the health answer, which stays 200: a version to move is work, not an outage.
   */
  connectorApiVersions?: () => readonly ApiVersionStatus[];
}

const DEFAULT_HEALTH_CHECK_TIMEOUT_MS = 2_000;

/** `GET /api/health` and `GET /metrics`, both public. */
export const operationsRoutes: FastifyPluginAsyncZod<OperationsRoutesOptions> = async (fastify, options) => {
  if (typeof options?.version !== "string") throw new ConfigurationError("operationsRoutes needs the host version.");
  if (typeof options.healthChecks !== "object" || options.healthChecks === null) throw new ConfigurationError("operationsRoutes needs healthChecks.");
  if (typeof options.metrics?.render !== "function") throw new ConfigurationError("operationsRoutes needs a metrics exporter.");
  const { version, healthChecks, metrics } = options;
  const timeoutMs = options.healthCheckTimeoutMs ?? DEFAULT_HEALTH_CHECK_TIMEOUT_MS;

  fastify.get(
    "/api/health",
    {
      schema: {
        summary: "Liveness and dependencies",
        tags: ["operations"],
        response: { 200: healthSchema.describe("Every dependency is up."), 503: healthSchema.describe("A dependency is down.") },
      },
    },
    async (_request, reply) => {
      const entries = await Promise.all(Object.entries(healthChecks).map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const));
      const checks = Object.fromEntries(entries);
      const healthy = entries.every(([, result]) => result.status === "up");
      const connectorApiVersions = (options.connectorApiVersions?.() ?? []).flatMap(({ connector, version: pinned, status, daysUntilSunset, sunsetAt, docsUrl }) =>
        status === "ok" ? [] : [{ connector, version: pinned, status, daysUntilSunset, sunsetAt, docsUrl }],
      );
      return reply.code(healthy ? 200 : 503).send({ status: healthy ? "ok" : "unavailable", version, uptime: process.uptime(), checks, connectorApiVersions });
    },
  );

  fastify.get("/metrics", { schema: { summary: "Prometheus metrics (text format)", tags: ["operations"] } }, async (_request, reply) => {
    const body = await metrics.render();
    return reply.type(metrics.contentType).send(body);
  });
};

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<z.input<typeof healthCheckResultSchema>> {
  const startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return { status: "up", durationMs: elapsed(startedAt) };
  } catch (error) {
    // Only the message: health answers are public and must not carry stacks or connection strings.
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : "";
    const detail = message.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, "<url>").slice(0, 200) || "check failed";
    return { status: "down", durationMs: elapsed(startedAt), detail };
  } finally {
    clearTimeout(timer);
  }
}

const elapsed = (startedAt: number) => Math.round((performance.now() - startedAt) * 100) / 100;
