import { z } from "zod";
import { storableTimestampSchema } from "./storable-timestamp-schema.js";

/** A grant of `confirm` completion: 32 random bytes, base64url. */
const OAUTH_GRANT_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const connectorId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "is not a connector id");

/** Path parameters of the connection routes. */
export const connectionParamsSchema = z.object({ connector: connectorId });

/** A connection as the API shows it: status and history, never a credential. */
export const connectionSchema = z
  .object({
    connector: z.string(),
    authType: z.enum(["none", "api_key", "bearer", "basic", "oauth2"]),
    status: z.enum(["ACTIVE", "EXPIRED", "REVOKED", "ERROR"]).meta({ description: "EXPIRED and REVOKED connections must be connected again." }),
    expiresAt: z.string().nullable().meta({ description: "When the access credentials expire (OAuth2 tokens are refreshed before)." }),
    lastUsedAt: z.string().nullable(),
    lastError: z.string().nullable().meta({ description: "The last failure, without credential values; null after a success." }),
    createdAt: z.string(),
    updatedAt: z.string().meta({ description: "When the connection last changed (stored, refreshed, its status changed); a use does not move it." }),
  })
  .meta({ id: "Connection" });

/** Answer of `GET /v1/connections`. */
export const connectionListSchema = z.object({ connections: z.array(connectionSchema) }).meta({ id: "ConnectionList" });

/** Body of `PUT /v1/connections/{connector}`. */
export const connectionInputSchema = z
  .object({
    authType: z.enum(["api_key", "bearer", "basic", "oauth2"]).optional().meta({ description: "Default: the connector's own auth type." }),
    credentials: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/), z.string().min(1)).refine((value) => Object.keys(value).length <= 20, "has too many fields"),
    expiresAt: storableTimestampSchema
      .optional()
      .meta({ description: "OAuth2 tokens obtained elsewhere: when the access token expires. ISO 8601 with offset, from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z once in UTC." }),
  })
  .strict()
  .meta({ description: "Credentials, checked against the connector's auth spec, stored encrypted and never sent back." });

/** Answer of `DELETE /v1/connections/{connector}`. */
export const connectionDeletionSchema = z
  .object({ connector: z.string(), deleted: z.literal(true), revocation: z.enum(["revoked", "not_offered", "failed"]) })
  .meta({ id: "ConnectionDeletion" });

/** Answer of `POST /v1/connections/{connector}/revoke`. */
export const connectionRevocationSchema = z
  .object({ connector: z.string(), status: z.literal("REVOKED"), revocation: z.enum(["revoked", "not_offered", "failed"]) })
  .meta({ id: "ConnectionRevocation" });

/** Answer of `POST /v1/connections/{connector}/test`. */
export const connectionTestSchema = z
  .object({
    connector: z.string(),
    ok: z.boolean(),
    providerStatus: z.number().int().nullable(),
    durationMs: z.number(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: "ConnectionTest" });

/** Body of `POST /v1/connections/{connector}/authorize`. */
export const authorizeInputSchema = z
  .object({
    returnUrl: z.url().max(2_048).meta({ description: "Where the person is sent back; must be under one of the host's allowed return URLs." }),
    completion: z.enum(["callback", "confirm"]).optional().meta({
      description:
        "How the authorization ends. `callback` (default): the callback stores the tokens in the organization. `confirm`: the callback keeps them as a grant for 10 minutes and sends the person back with `status=confirm&grant=...`; the same organization and user confirm it with `POST /v1/connections/{connector}/authorize/confirm`. A host with `NEONHUB_OAUTH_COMPLETION=confirm` refuses anything but `confirm`.",
    }),
  })
  .strict();

/** Body of `POST /v1/connections/{connector}/authorize/confirm`. */
export const confirmInputSchema = z
  .object({ grant: z.string().regex(OAUTH_GRANT_PATTERN, "must be the 43-character grant of the return URL").meta({ description: "The `grant` parameter the callback added to the return URL." }) })
  .strict();

/** Answer of `POST /v1/connections/{connector}/authorize`. */
export const authorizationSchema = z
  .object({ authorizationUrl: z.string().meta({ description: "Send the person here." }), expiresAt: z.string() })
  .meta({ id: "Authorization" });

/** Query of `GET /v1/oauth/callback`, as providers send it. */
export const callbackQuerySchema = z.object({
  state: z.string().max(512).optional(),
  code: z.string().max(4_096).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(2_048).optional(),
  iss: z.string().max(2_048).optional(),
});
