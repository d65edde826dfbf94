import { ConfigurationError, type Orchestrator } from "@neonhub/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import { agentListSchema, connectorListSchema, type connectorSchema } from "../schemas/catalog-schemas.js";
import { requireCaller } from "../plugins/api-key-auth-plugin.js";
import { authenticatedErrorResponses } from "../schemas/problem-schema.js";

/** A connector of the catalog as the API lists it. */
export type ConnectorCatalogEntry = z.input<typeof connectorSchema>;

/** What `GET /v1/connectors` lists; the connectors package provides it. */
export interface ConnectorCatalog {
  list(): ConnectorCatalogEntry[];
}

/** Options of {@link catalogRoutes}. */
export interface CatalogRoutesOptions {
  orchestrator: Orchestrator;
  connectors: ConnectorCatalog;
}

const security = [{ apiKey: [] }];

/** `GET /v1/agents` and `GET /v1/connectors`. */
export const catalogRoutes: FastifyPluginAsyncZod<CatalogRoutesOptions> = async (fastify, options) => {
  if (typeof options?.orchestrator?.listAgents !== "function") throw new ConfigurationError("catalogRoutes needs an orchestrator.");
  if (typeof options.connectors?.list !== "function") throw new ConfigurationError("catalogRoutes needs a connector catalog.");
  const { orchestrator, connectors } = options;

  fastify.get(
    "/agents",
    {
      config: { scope: "runs:read" },
      schema: {
        summary: "Registered agents with their input schema and the breaker state the caller's organization meets",
        tags: ["catalog"],
        security,
        response: { 200: agentListSchema, ...authenticatedErrorResponses },
      },
    },
    // An agent with breakers per organization shows the caller's organization's breaker, never another's.
    async (request) => ({ agents: orchestrator.listAgents(requireCaller(request).organizationId) }),
  );

  fastify.get(
    "/connectors",
    {
      config: { scope: "runs:read" },
      schema: {
        summary: "The connector catalog with each connector's mode and actions",
        tags: ["catalog"],
        security,
        response: { 200: connectorListSchema, ...authenticatedErrorResponses },
      },
    },
    async () => ({ connectors: connectors.list() }),
  );
};
