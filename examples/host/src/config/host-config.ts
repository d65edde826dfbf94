import { ConfigurationError } from "@neonhub/core";
import { z } from "zod";
import { DEFAULT_API_KEY_CACHE_TTL_MS } from "../auth/cached-api-key-store.js";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** How the host is configured, read from the environment by {@link loadHostConfig}. */
export interface HostConfig {
  port: number;
  host: string;
  /** Folder of the embedded PGlite database; unused when `databaseUrl` is set. */
  dataDir: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  connectorsMode: "mock" | "live";
  /** The key that the first start provisions for the development organization, instead of a random one. */
  developmentApiKey: string | null;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Key that decrypts connector credentials (`ConnectorAuth`); required in live mode. */
  credentialsKey: string | null;
  /** How long a SIGTERM waits for in-flight runs before cancelling them. */
  shutdownDeadlineMs: number;
  /** BullMQ queue of queued runs when `redisUrl` is set; instances sharing work use the same name. */
  queueName: string;
  /** Latency added to every mocked connector call (demonstrations and shutdown drills); 0 by default. */
  mockLatencyMs: number;
  /** How long a looked-up API key is answered from memory (a revoked key works this long at most); 0 asks the database on every request. */
  apiKeyCacheTtlMs: number;
  /** Folder of the built inspector served at `/`; null finds the one the build wrote. */
  inspectorAssetsDirectory: string | null;
}

const emptyToUndefined = (value: unknown) => (value === "" ? undefined : value);
const optionalText = z.preprocess(emptyToUndefined, z.string().trim().min(1).optional());
const urlWithProtocols = (protocols: string[]) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol), {
        message: `must be a URL starting with ${protocols.map((protocol) => `${protocol}//`).join(" or ")}`,
      })
      .optional(),
  );

const environmentSchema = z.object({
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65_535).default(3000)),
  HOST: z.preprocess(emptyToUndefined, z.string().min(1).default("127.0.0.1")),
  NEONHUB_DATA_DIR: z.preprocess(emptyToUndefined, z.string().min(1).default("./.neonhub")),
  DATABASE_URL: urlWithProtocols(["postgres:", "postgresql:"]),
  REDIS_URL: urlWithProtocols(["redis:", "rediss:"]),
  NEONHUB_CONNECTORS_MODE: z.preprocess(emptyToUndefined, z.enum(["mock", "live"]).optional()),
  USE_MOCK_CONNECTORS: z.preprocess(emptyToUndefined, z.enum(["true", "false"]).optional()),
  NEONHUB_DEV_API_KEY: optionalText.refine((value) => value === undefined || value.length >= 24, {
    message: "must be at least 24 characters long",
  }),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(LOG_LEVELS).default("info")),
  NEONHUB_CREDENTIALS_KEY: optionalText,
  NEONHUB_SHUTDOWN_DEADLINE_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(600_000).default(10_000)),
  NEONHUB_QUEUE_NAME: z.preprocess(emptyToUndefined, z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "use letters, digits, - and _").default("neonhub-runs")),
  NEONHUB_MOCK_LATENCY_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(60_000).default(0)),
  NEONHUB_INSPECTOR_ASSETS_DIR: optionalText,
  NEONHUB_API_KEY_CACHE_TTL_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(3_600_000).default(DEFAULT_API_KEY_CACHE_TTL_MS)),
});

/**
 * Reads and validates the host's configuration. Every problem is reported at once, by variable name.
 * @throws ConfigurationError listing each invalid variable.
 */
export function loadHostConfig(environment: Record<string, string | undefined> = process.env): HostConfig {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigurationError(`Invalid host configuration:\n${problems.join("\n")}`);
  }
  const values = parsed.data;
  if (values.NEONHUB_CONNECTORS_MODE === "live" && values.USE_MOCK_CONNECTORS === "true") {
    throw new ConfigurationError("Invalid host configuration:\n  NEONHUB_CONNECTORS_MODE=live contradicts USE_MOCK_CONNECTORS=true");
  }
  return {
    port: values.PORT,
    host: values.HOST,
    dataDir: values.NEONHUB_DATA_DIR,
    databaseUrl: values.DATABASE_URL ?? null,
    redisUrl: values.REDIS_URL ?? null,
    connectorsMode: values.NEONHUB_CONNECTORS_MODE ?? "mock",
    developmentApiKey: values.NEONHUB_DEV_API_KEY ?? null,
    logLevel: values.LOG_LEVEL,
    credentialsKey: values.NEONHUB_CREDENTIALS_KEY ?? null,
    shutdownDeadlineMs: values.NEONHUB_SHUTDOWN_DEADLINE_MS,
    queueName: values.NEONHUB_QUEUE_NAME,
    mockLatencyMs: values.NEONHUB_MOCK_LATENCY_MS,
    apiKeyCacheTtlMs: values.NEONHUB_API_KEY_CACHE_TTL_MS,
    inspectorAssetsDirectory: values.NEONHUB_INSPECTOR_ASSETS_DIR ?? null,
  };
}
