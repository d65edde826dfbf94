import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import { ConfigurationError } from "@neonhub/core";
import type { FastifyInstance } from "fastify";
import fastifyPlugin from "fastify-plugin";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
import { bodyErrorResponses } from "../schemas/problem-schema.js";

/** Options of {@link openApi}. */
export interface OpenApiOptions {
  version: string;
  /** Where the interactive documentation is served. Default `/docs`. */
  docsPrefix?: string;
}

async function openApiPlugin(fastify: FastifyInstance, options: OpenApiOptions): Promise<void> {
  if (typeof options?.version !== "string" || options.version.length === 0) throw new ConfigurationError("openApi needs the API version.");
  await fastify.register(fastifySwagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "NeonHub API",
        version: options.version,
        description: "Runs NeonHub agents with an audit trail. Errors are application/problem+json (RFC 9457).",
      },
      components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key from `pnpm keys create`." } } },
      tags: [
        { name: "runs", description: "Agent runs and their tool executions" },
        { name: "catalog", description: "Agents and connectors" },
        { name: "connections", description: "Organizations' connections to connectors: credentials and OAuth 2.0" },
        { name: "operations", description: "Health and metrics" },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  // Every route that reads a JSON body may refuse it (size, media type, syntax) before its handler runs; a route's own
  // description of a status is kept.
  fastify.addHook("onRoute", (route) => {
    if (route.schema?.body === undefined) return;
    route.schema.response = { ...bodyErrorResponses, ...(route.schema.response as Record<string, unknown> | undefined) };
  });
  // Assets come from the package itself; the page fetches nothing from elsewhere.
  await fastify.register(fastifySwaggerUi, { routePrefix: options.docsPrefix ?? "/docs", uiConfig: { validatorUrl: null } });
  fastify.get("/openapi.json", { schema: { hide: true } }, async () => fastify.swagger());
}

/**
 * Generates the OpenAPI document from the routes' zod schemas and serves it at `/openapi.json`, with the
 * interactive documentation at `/docs`. Register it before the routes.
 */
export const openApi = fastifyPlugin(openApiPlugin, { name: "neonhub-openapi", fastify: "5.x" });
