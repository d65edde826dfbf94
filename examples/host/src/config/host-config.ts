import { BREAKER_SCOPES, ConfigurationError, DEFAULT_SCHEDULER_INTERVAL_MS, type BreakerScope } from "@neonhub/core";
import { z } from "zod";
import { DEFAULT_RECONCILE_DELAY_MS } from "@neonhub/redis";
import { DEFAULT_API_KEY_CACHE_TTL_MS } from "../auth/cached-api-key-store.js";
import { DEFAULT_MAX_EVENT_SUBSCRIBERS, DEFAULT_MAX_EVENT_SUBSCRIBERS_PER_ORGANIZATION } from "../inspector/run-event-hub.js";
import { readOAuthClients, type OAuthClientConfig } from "./oauth-client-variables.js";
import {
  blankToUndefined,
  commaList,
  credentialsKeySetting,
  integerSetting,
  optionalIntegerSetting,
  optionalText,
  previousKeysSetting,
  publicUrlSetting,
  urlWithProtocols,
} from "./setting-schemas.js";

export { oauthClientVariable, oauthFieldVariable, type OAuthClientConfig } from "./oauth-client-variables.js";

/** Longer than the reconciler needs to put a lost run back (its delay plus one interval), with room for a backlog. */
const DEFAULT_QUEUED_RUN_ALERT_MS = 5 * 60_000;
/**
 * Far beyond what synchronized clocks drift (milliseconds), well inside the run lease's takeover margin (two thirds of
 * 30 s by default): a host this far off its database stops taking runs over and starting schedule ticks.
 */
const DEFAULT_MAX_CLOCK_SKEW_MS = 5_000;
/** Long enough for audits of the last month and for the learning loop's periods (a week), short enough to bound the tables. */
const DEFAULT_RUN_RETENTION_DAYS = 30;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** What a process of the host does: everything (`all`), the HTTP API only (`api`), or queued work only (`worker`). */
export const HOST_ROLES = ["all", "api", "worker"] as const;
/** One of {@link HOST_ROLES}. */
export type HostRole = (typeof HOST_ROLES)[number];

/** How the host is configured, read from the environment by {@link loadHostConfig}. */
export interface HostConfig {
  /** `NEONHUB_ROLE`: `api` serves HTTP and leaves queued work to workers; `worker` runs queued work without the API. */
  role: HostRole;
  port: number;
  /** Port of a worker's `/api/health` and `/metrics` (`NEONHUB_WORKER_PORT`); null serves nothing. */
  workerPort: number | null;
  host: string;
  /** Folder of the embedded PGlite database; unused when `databaseUrl` is set. */
  dataDir: string;
  databaseUrl: string | null;
  /** `NEONHUB_PG_PREPARED_STATEMENTS`: false behind a pooler that cannot keep prepared statements. */
  preparedStatements: boolean;
  redisUrl: string | null;
  connectorsMode: "mock" | "live";
  /** The key that the first start provisions for the development organization, instead of a random one. */
  developmentApiKey: string | null;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Key that decrypts connector credentials (`ConnectorAuth`); required in live mode. */
  credentialsKey: string | null;
  /** How long a SIGTERM waits for in-flight runs before cancelling them. */
  shutdownDeadlineMs: number;
  /** Prefix of the BullMQ keys of the named queues when `redisUrl` is set; instances sharing work use the same one. */
  queuePrefix: string;
  /** With Redis, a run `QUEUED` this long that has no job in its queue is put back on it. */
  reconcileDelayMs: number;
  /** `/api/health` reports the queue down while a run has been `QUEUED` longer than this. */
  queuedRunAlertMs: number;
  /** Ended runs created more than this many days ago are deleted (with their steps and tool executions); 0 keeps every run. */
  runRetentionDays: number;
  /** Latency added to every mocked connector call (demonstrations and shutdown drills); 0 by default. */
  mockLatencyMs: number;
  /** Keys that sealed credentials still stored, readable until `connections rotate-key` has re-encrypted them. */
  previousCredentialsKeys: string[];
  /** The host's public URL; the OAuth redirect URI is `<publicUrl>/v1/oauth/callback`. Null disables the OAuth code flow. */
  publicUrl: string | null;
  /** URL prefixes that OAuth callbacks may send people back to: the public URL's, then `NEONHUB_OAUTH_RETURN_URLS`. */
  oauthReturnUrls: string[];
  /**
   * OAuth clients by connector id, from `NEONHUB_OAUTH_<CONNECTOR>_CLIENT_ID` and `_CLIENT_SECRET`, with the
   * operator's own credential fields from `NEONHUB_OAUTH_<CONNECTOR>_FIELD_<NAME>` (Google Ads' developer token).
   */
  oauthClients: Record<string, OAuthClientConfig>;
  /**
   * Base URL per connector id, from `NEONHUB_CONNECTOR_<CONNECTOR>_BASE_URL` (`NEONHUB_CONNECTOR_GOOGLE_ADS_BASE_URL`
   * for `google-ads`), over the connector's default; a connection's own `baseUrl` wins. The host refuses to start
   * when one names no connector it registers.
   */
  connectorBaseUrls: Record<string, string>;
  /** Lets OAuth requests go to plain-HTTP providers (`NEONHUB_OAUTH_ALLOW_HTTP=true`); local test servers only. */
  allowInsecureOAuthRequests: boolean;
  /**
   * `NEONHUB_OAUTH_COMPLETION`: `callback` lets each authorization choose how it ends (the callback stores the
   * tokens unless it asks for `confirm`); `confirm` makes every authorization wait for the starter to confirm it.
   */
  oauthCompletion: "callback" | "confirm";
  /**
   * `NEONHUB_OAUTH_REVOKE_EXPIRED_GRANTS`: whether the tokens of grants nobody confirmed in time are revoked at the
   * provider when they are swept (`true`), or deleted unrevoked (`false`, the default).
   */
  revokeExpiredOAuthGrants: boolean;
  /** How long a looked-up API key is answered from memory (a revoked key works this long at most); 0 asks the database on every request. */
  apiKeyCacheTtlMs: number;
  /** How long a run's lease lasts: a run whose host died is taken over by another once it lapses. */
  runLeaseMs: number;
  /** How often a host looks for runs to take over or to wake. */
  sweepIntervalMs: number;
  /**
   * `NEONHUB_MAX_CLOCK_SKEW_MS`: while this host's clock is further than this from the database's (measured every
   * 30 s), it takes no run over and starts no schedule tick, and `/api/health` fails its `clock` check. Below two
   * thirds of `runLeaseMs`; unset, 5 s or a third of `runLeaseMs`, whichever is less.
   */
  maxClockSkewMs: number;
  /**
   * `NEONHUB_MAX_RUN_TAKEOVERS`: how many times a run may be taken over after its executor stopped renewing its lease
   * before it fails with `TAKEOVER_LIMIT` rather than bring down one process after another (default 5).
   */
  maxRunTakeovers: number;
  /** How often a host looks for due schedules (`NEONHUB_SCHEDULER_INTERVAL_MS`); 0 runs no scheduler on this host. */
  schedulerIntervalMs: number;
  /** Live run streams (`GET /v1/runs/events`) one organization may have open on this host; more are refused with 429. */
  runEventStreamsPerOrganization: number;
  /** Folder of the built inspector served at `/`; null finds the one the build wrote. */
  inspectorAssetsDirectory: string | null;
  /**
   * `NEONHUB_AGENT_BREAKER_SCOPE`: `organization` (the host's default) gives each organization its own breaker of each
   * agent, so one organization's failing runs do not refuse the agent to the others; `agent` shares one per agent.
   */
  agentBreakerScope: BreakerScope;
}

const CONNECTOR_BASE_URL_VARIABLE = /^NEONHUB_CONNECTOR_([A-Z0-9_]+)_BASE_URL$/;

/** The variable that sets a connector's base URL: `NEONHUB_CONNECTOR_GOOGLE_ADS_BASE_URL` for `google-ads`. */
export const connectorBaseUrlVariable = (connector: string): string => `NEONHUB_CONNECTOR_${connector.toUpperCase().replaceAll("-", "_")}_BASE_URL`;

/** Base URLs named in the environment by connector id, and the variables whose value is not an http(s) URL. */
function readConnectorBaseUrls(environment: Record<string, string | undefined>): { baseUrls: Record<string, string>; problems: string[] } {
  const baseUrls: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(environment)) {
    const match = CONNECTOR_BASE_URL_VARIABLE.exec(name);
    const url = value?.trim();
    if (!match?.[1] || url === undefined || url === "") continue;
    if (!URL.canParse(url) || !["https:", "http:"].includes(new URL(url).protocol)) {
      problems.push(`  ${name}: must be a URL starting with https:// or http://`);
      continue;
    }
    baseUrls[match[1].toLowerCase().replaceAll("_", "-")] = url;
  }
  return { baseUrls, problems };
}

const environmentSchema = z.object({
  NEONHUB_ROLE: z.preprocess(blankToUndefined, z.enum(HOST_ROLES).default("all")),
  NEONHUB_WORKER_PORT: optionalIntegerSetting({ min: 0, max: 65_535 }),
  PORT: integerSetting({ min: 0, max: 65_535 }, 3000),
  HOST: z.preprocess(blankToUndefined, z.string().min(1).default("127.0.0.1")),
  NEONHUB_DATA_DIR: z.preprocess(blankToUndefined, z.string().min(1).default("./.neonhub")),
  DATABASE_URL: urlWithProtocols(["postgres:", "postgresql:"]),
  NEONHUB_PG_PREPARED_STATEMENTS: z.preprocess(blankToUndefined, z.enum(["true", "false"]).default("true")),
  REDIS_URL: urlWithProtocols(["redis:", "rediss:"]),
  NEONHUB_CONNECTORS_MODE: z.preprocess(blankToUndefined, z.enum(["mock", "live"]).optional()),
  USE_MOCK_CONNECTORS: z.preprocess(blankToUndefined, z.enum(["true", "false"]).optional()),
  NEONHUB_DEV_API_KEY: optionalText.refine((value) => value === undefined || value.length >= 24, {
    message: "must be at least 24 characters long",
  }),
  LOG_LEVEL: z.preprocess(blankToUndefined, z.enum(LOG_LEVELS).default("info")),
  NEONHUB_CREDENTIALS_KEY: credentialsKeySetting,
  NEONHUB_SHUTDOWN_DEADLINE_MS: integerSetting({ min: 0, max: 600_000 }, 10_000),
  NEONHUB_QUEUE_PREFIX: z.preprocess(blankToUndefined, z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "use letters, digits, ., - and _").default("neonhub")),
  NEONHUB_RECONCILE_DELAY_MS: integerSetting({ min: 5_000, max: 86_400_000 }, DEFAULT_RECONCILE_DELAY_MS),
  NEONHUB_QUEUED_RUN_ALERT_MS: integerSetting({ min: 1_000, max: 7 * 86_400_000 }, DEFAULT_QUEUED_RUN_ALERT_MS),
  NEONHUB_RUN_RETENTION_DAYS: integerSetting({ min: 0, max: 36_500 }, DEFAULT_RUN_RETENTION_DAYS),
  NEONHUB_MOCK_LATENCY_MS: integerSetting({ min: 0, max: 60_000 }, 0),
  NEONHUB_CREDENTIALS_PREVIOUS_KEYS: previousKeysSetting,
  NEONHUB_PUBLIC_URL: publicUrlSetting,
  NEONHUB_OAUTH_RETURN_URLS: optionalText.refine((value) => value === undefined || commaList(value).every((entry) => URL.canParse(entry)), {
    message: "must be a comma-separated list of absolute URLs",
  }),
  NEONHUB_OAUTH_ALLOW_HTTP: z.preprocess(blankToUndefined, z.enum(["true", "false"]).default("false")),
  NEONHUB_OAUTH_REVOKE_EXPIRED_GRANTS: z.preprocess(blankToUndefined, z.enum(["true", "false"]).default("false")),
  NEONHUB_OAUTH_COMPLETION: z.preprocess(blankToUndefined, z.enum(["callback", "confirm"]).default("callback")),
  NEONHUB_INSPECTOR_ASSETS_DIR: optionalText,
  NEONHUB_API_KEY_CACHE_TTL_MS: integerSetting({ min: 0, max: 3_600_000 }, DEFAULT_API_KEY_CACHE_TTL_MS),
  NEONHUB_RUN_LEASE_MS: integerSetting({ min: 300, max: 3_600_000 }, 30_000),
  NEONHUB_MAX_RUN_TAKEOVERS: integerSetting({ min: 0, max: 1_000 }, 5),
  // Its upper bound is the run lease's, checked below.
  NEONHUB_MAX_CLOCK_SKEW_MS: optionalIntegerSetting({ min: 1, max: Number.MAX_SAFE_INTEGER }, "must be a positive integer of milliseconds"),
  NEONHUB_SWEEP_INTERVAL_MS: integerSetting({ min: 50, max: 600_000 }, 1_000),
  // A share larger than the host's streams would be the host's limit under another name.
  NEONHUB_RUN_EVENT_STREAMS_PER_ORGANIZATION: integerSetting({ min: 1, max: DEFAULT_MAX_EVENT_SUBSCRIBERS }, DEFAULT_MAX_EVENT_SUBSCRIBERS_PER_ORGANIZATION),
  NEONHUB_SCHEDULER_INTERVAL_MS: integerSetting({ min: 0, max: 60_000 }, DEFAULT_SCHEDULER_INTERVAL_MS),
  // A host serves many organizations: one whose own provider is down must not open an agent for all of them.
  NEONHUB_AGENT_BREAKER_SCOPE: z.preprocess(
    blankToUndefined,
    z.enum(BREAKER_SCOPES as [BreakerScope, ...BreakerScope[]], { error: `must be ${BREAKER_SCOPES.map((scope) => `"${scope}"`).join(" or ")}` }).default("organization"),
  ),
});

type EnvironmentValues = z.output<typeof environmentSchema>;

/** Values of the variables that are valid, and which those are (an unset optional one has no key in the values). */
interface ValidValues {
  values: Partial<EnvironmentValues>;
  valid: ReadonlySet<string>;
}

const ENVIRONMENT_VARIABLES = Object.keys(environmentSchema.shape);

/**
 * Reads each variable on its own: with an invalid variable there is no parsed whole, and the checks between the valid
 * ones should still report in the same message.
 */
function validValuesOf(environment: Record<string, string | undefined>): ValidValues {
  const values: Record<string, unknown> = {};
  const valid = new Set<string>();
  for (const [name, schema] of Object.entries(environmentSchema.shape)) {
    const result = schema.safeParse(environment[name]);
    if (!result.success) continue;
    values[name] = result.data;
    valid.add(name);
  }
  return { values: values as Partial<EnvironmentValues>, valid };
}

const areValid = <Name extends keyof EnvironmentValues>(read: ValidValues, ...names: Name[]): read is ValidValues & { values: Pick<EnvironmentValues, Name> } =>
  names.every((name) => read.valid.has(name));

/**
 * A lease is renewed every third of its length: a clock ahead by two thirds takes over runs whose leases are renewed.
 * Unset, it is 5 s or a third of the lease, whichever is less, so that a short lease needs no second setting.
 */
const maxClockSkewOf = (values: Pick<EnvironmentValues, "NEONHUB_MAX_CLOCK_SKEW_MS" | "NEONHUB_RUN_LEASE_MS">) =>
  values.NEONHUB_MAX_CLOCK_SKEW_MS ?? Math.min(DEFAULT_MAX_CLOCK_SKEW_MS, Math.floor(values.NEONHUB_RUN_LEASE_MS / 3));

/** Problems between variables, each checked once the variables it reads are valid. */
function problemsBetweenVariables(read: ValidValues): string[] {
  const problems: string[] = [];
  if (areValid(read, "NEONHUB_CONNECTORS_MODE", "USE_MOCK_CONNECTORS") && read.values.NEONHUB_CONNECTORS_MODE === "live" && read.values.USE_MOCK_CONNECTORS === "true") {
    problems.push("  NEONHUB_CONNECTORS_MODE=live contradicts USE_MOCK_CONNECTORS=true");
  }
  if (areValid(read, "NEONHUB_CONNECTORS_MODE", "NEONHUB_CREDENTIALS_KEY") && read.values.NEONHUB_CONNECTORS_MODE === "live" && read.values.NEONHUB_CREDENTIALS_KEY === undefined) {
    problems.push("  NEONHUB_CONNECTORS_MODE=live needs NEONHUB_CREDENTIALS_KEY: live connectors read each organization's credentials with it");
  }
  // Split processes share work through Redis and PostgreSQL; an in-process queue or an embedded database is one process's.
  if (areValid(read, "NEONHUB_ROLE", "REDIS_URL") && read.values.NEONHUB_ROLE !== "all" && read.values.REDIS_URL === undefined) {
    problems.push(`  NEONHUB_ROLE=${read.values.NEONHUB_ROLE} needs REDIS_URL: queued runs go through Redis from API hosts to workers`);
  }
  if (areValid(read, "NEONHUB_ROLE", "DATABASE_URL") && read.values.NEONHUB_ROLE === "worker" && read.values.DATABASE_URL === undefined) {
    problems.push("  NEONHUB_ROLE=worker needs DATABASE_URL: the embedded database belongs to one process");
  }
  if (areValid(read, "NEONHUB_MAX_CLOCK_SKEW_MS", "NEONHUB_RUN_LEASE_MS") && 3 * maxClockSkewOf(read.values) >= 2 * read.values.NEONHUB_RUN_LEASE_MS) {
    problems.push(
      `  NEONHUB_MAX_CLOCK_SKEW_MS=${maxClockSkewOf(read.values)} must be below two thirds of NEONHUB_RUN_LEASE_MS=${read.values.NEONHUB_RUN_LEASE_MS} ` +
        `(${Math.ceil((2 * read.values.NEONHUB_RUN_LEASE_MS) / 3)} ms): a host whose clock runs that far ahead would take over runs whose leases are still renewed before it stopped`,
    );
  }
  return problems;
}

/**
 * Reads and validates the host's configuration. Every problem is reported at once, by variable name.
 * @throws ConfigurationError listing each invalid variable.
 */
export function loadHostConfig(environment: Record<string, string | undefined> = process.env): HostConfig {
  const parsed = environmentSchema.safeParse(environment);
  const connectorBaseUrls = readConnectorBaseUrls(environment);
  const oauthClients = readOAuthClients(environment);
  const problems = [
    ...(parsed.error?.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`) ?? []),
    ...connectorBaseUrls.problems,
    ...oauthClients.problems,
    ...problemsBetweenVariables(parsed.success ? { values: parsed.data, valid: new Set(ENVIRONMENT_VARIABLES) } : validValuesOf(environment)),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigurationError(`Invalid host configuration:\n${problems.join("\n")}`);
  const values = parsed.data;
  const maxClockSkewMs = maxClockSkewOf(values);
  const publicUrl = values.NEONHUB_PUBLIC_URL?.replace(/\/+$/, "") ?? null;
  return {
    role: values.NEONHUB_ROLE,
    workerPort: values.NEONHUB_WORKER_PORT ?? null,
    port: values.PORT,
    host: values.HOST,
    dataDir: values.NEONHUB_DATA_DIR,
    databaseUrl: values.DATABASE_URL ?? null,
    preparedStatements: values.NEONHUB_PG_PREPARED_STATEMENTS === "true",
    redisUrl: values.REDIS_URL ?? null,
    connectorsMode: values.NEONHUB_CONNECTORS_MODE ?? "mock",
    developmentApiKey: values.NEONHUB_DEV_API_KEY ?? null,
    logLevel: values.LOG_LEVEL,
    credentialsKey: values.NEONHUB_CREDENTIALS_KEY ?? null,
    shutdownDeadlineMs: values.NEONHUB_SHUTDOWN_DEADLINE_MS,
    queuePrefix: values.NEONHUB_QUEUE_PREFIX,
    reconcileDelayMs: values.NEONHUB_RECONCILE_DELAY_MS,
    queuedRunAlertMs: values.NEONHUB_QUEUED_RUN_ALERT_MS,
    runRetentionDays: values.NEONHUB_RUN_RETENTION_DAYS,
    mockLatencyMs: values.NEONHUB_MOCK_LATENCY_MS,
    apiKeyCacheTtlMs: values.NEONHUB_API_KEY_CACHE_TTL_MS,
    runLeaseMs: values.NEONHUB_RUN_LEASE_MS,
    sweepIntervalMs: values.NEONHUB_SWEEP_INTERVAL_MS,
    maxClockSkewMs,
    maxRunTakeovers: values.NEONHUB_MAX_RUN_TAKEOVERS,
    schedulerIntervalMs: values.NEONHUB_SCHEDULER_INTERVAL_MS,
    runEventStreamsPerOrganization: values.NEONHUB_RUN_EVENT_STREAMS_PER_ORGANIZATION,
    previousCredentialsKeys: commaList(values.NEONHUB_CREDENTIALS_PREVIOUS_KEYS),
    publicUrl,
    // The inspector this host serves starts authorizations that come back to it.
    oauthReturnUrls: [...(publicUrl === null ? [] : [`${publicUrl}/`]), ...commaList(values.NEONHUB_OAUTH_RETURN_URLS)],
    oauthClients: oauthClients.clients,
    connectorBaseUrls: connectorBaseUrls.baseUrls,
    allowInsecureOAuthRequests: values.NEONHUB_OAUTH_ALLOW_HTTP === "true",
    oauthCompletion: values.NEONHUB_OAUTH_COMPLETION,
    revokeExpiredOAuthGrants: values.NEONHUB_OAUTH_REVOKE_EXPIRED_GRANTS === "true",
    inspectorAssetsDirectory: values.NEONHUB_INSPECTOR_ASSETS_DIR ?? null,
    agentBreakerScope: values.NEONHUB_AGENT_BREAKER_SCOPE,
  };
}
