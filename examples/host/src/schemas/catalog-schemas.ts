import { z } from "zod";

const jsonSchemaObject = z.record(z.string(), z.unknown()).meta({ description: "A JSON Schema." });

/** A registered agent. */
export const agentSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    description: z.string(),
    kind: z.string().nullable(),
    inputSchema: jsonSchemaObject,
    outputSchema: jsonSchemaObject,
    breakerState: z
      .enum(["closed", "open", "half_open"])
      .meta({ description: "State of the breaker the caller's runs meet: the agent's, or with breakerScope organization the caller's organization's." }),
    breakerScope: z
      .enum(["agent", "organization"])
      .meta({ description: "Whether the agent has one breaker for every organization or one per organization." }),
    admission: z
      .object({ limit: z.number().int(), windowMs: z.number().int() })
      .nullable()
      .meta({ description: "Runs admitted per user and window; null when unlimited." }),
  })
  .meta({ id: "Agent" });

/** Answer of `GET /v1/agents`. */
export const agentListSchema = z.object({ agents: z.array(agentSchema) }).meta({ id: "AgentList" });

/** A connector of the catalog. */
export const connectorSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    displayName: z.string(),
    mode: z.enum(["mock", "live"]),
    implemented: z.boolean().meta({ description: "False for platform kinds that no connector implements yet." }),
    actions: z.array(z.object({ name: z.string(), description: z.string() })),
    auth: z
      .object({
        type: z.enum(["none", "api_key", "bearer", "basic", "oauth2"]),
        fields: z.array(z.string()).meta({ description: "Credential fields a connection must have (`PUT /v1/connections/{connector}`)." }),
        optionalFields: z.array(z.string()).meta({ description: "Credential fields a connection may have." }),
        authorize: z.boolean().meta({ description: "True when the host can start the OAuth code flow for it (`POST /v1/connections/{connector}/authorize`)." }),
        test: z.boolean().meta({ description: "True when it declares a connection test (`POST /v1/connections/{connector}/test`)." }),
        revoke: z.boolean().meta({
          description:
            "True when deleting or revoking a connection asks the provider to withdraw the grant: at its RFC 7009 endpoint with the host's OAuth client for the connector, or with the connector's own revocation call (Slack's `auth.revoke`). Otherwise they answer `revocation: \"not_offered\"`.",
        }),
      })
      .meta({ description: "How the connector authenticates, so a client can show the right connect form." }),
  })
  .meta({ id: "Connector" });

/** Answer of `GET /v1/connectors`. */
export const connectorListSchema = z.object({ connectors: z.array(connectorSchema) }).meta({ id: "ConnectorList" });

/** One dependency checked by `/api/health`. */
export const healthCheckResultSchema = z.object({
  status: z.enum(["up", "down"]),
  durationMs: z.number(),
  detail: z.string().optional(),
});

/** A connector whose pinned provider API version needs moving. */
export const apiVersionWarningSchema = z.object({
  connector: z.string(),
  version: z.string(),
  status: z.enum(["deprecated", "sunset_soon", "sunset"]),
  daysUntilSunset: z.number().int().nullable(),
  sunsetAt: z.string().nullable(),
  docsUrl: z.string(),
});

/** Answer of `GET /api/health`. */
export const healthSchema = z
  .object({
    status: z.enum(["ok", "unavailable"]),
    version: z.string(),
    uptime: z.number().meta({ description: "Seconds since the process started." }),
    checks: z.record(z.string(), healthCheckResultSchema),
    connectorApiVersions: z
      .array(apiVersionWarningSchema)
      .meta({ description: "Connectors whose pinned provider API version is deprecated or within 90 days of its sunset (or past it). Empty when none." }),
  })
  .meta({ id: "Health" });
