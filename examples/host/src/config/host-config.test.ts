import { randomBytes } from "node:crypto";
import { isNeonhubError } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import { connectorBaseUrlVariable, loadHostConfig } from "./host-config.js";

const HEX_KEY = randomBytes(32).toString("hex");
const BASE64_KEY = randomBytes(32).toString("base64");

describe("loadHostConfig", () => {
  it("fills the quick-start defaults from an empty environment", () => {
    expect(loadHostConfig({})).toEqual({
      role: "all",
      workerPort: null,
      port: 3000,
      host: "127.0.0.1",
      dataDir: "./.neonhub",
      databaseUrl: null,
      preparedStatements: true,
      redisUrl: null,
      connectorsMode: "mock",
      developmentApiKey: null,
      logLevel: "info",
      credentialsKey: null,
      shutdownDeadlineMs: 10_000,
      runLeaseMs: 30_000,
      sweepIntervalMs: 1_000,
      maxClockSkewMs: 5_000,
      maxRunTakeovers: 5,
      schedulerIntervalMs: 5_000,
      queuePrefix: "neonhub",
      reconcileDelayMs: 30_000,
      queuedRunAlertMs: 300_000,
      runRetentionDays: 30,
      mockLatencyMs: 0,
      apiKeyCacheTtlMs: 10_000,
      runEventStreamsPerOrganization: 100,
      previousCredentialsKeys: [],
      publicUrl: null,
      oauthReturnUrls: [],
      oauthClients: {},
      connectorBaseUrls: {},
      allowInsecureOAuthRequests: false,
      oauthCompletion: "callback",
      revokeExpiredOAuthGrants: false,
      inspectorAssetsDirectory: null,
      agentBreakerScope: "organization",
    });
  });

  it("reads the connection settings: previous keys, public URL, return URLs and OAuth clients per connector", () => {
    const config = loadHostConfig({
      NEONHUB_CREDENTIALS_PREVIOUS_KEYS: ` ${HEX_KEY} , ${BASE64_KEY} `,
      NEONHUB_PUBLIC_URL: "https://api.example.com/",
      NEONHUB_OAUTH_RETURN_URLS: "https://app.example.com/settings/,https://admin.example.com",
      NEONHUB_OAUTH_GOOGLE_ADS_CLIENT_ID: "client-1.apps.googleusercontent.com",
      NEONHUB_OAUTH_GOOGLE_ADS_CLIENT_SECRET: "secret-1",
      NEONHUB_OAUTH_GOOGLE_ADS_FIELD_DEVELOPER_TOKEN: " dev-token-1 ",
      NEONHUB_OAUTH_X_CLIENT_ID: "x-public-client",
    });
    expect(config).toMatchObject({
      previousCredentialsKeys: [HEX_KEY, BASE64_KEY],
      publicUrl: "https://api.example.com",
      oauthReturnUrls: ["https://api.example.com/", "https://app.example.com/settings/", "https://admin.example.com"],
      oauthClients: {
        "google-ads": { clientId: "client-1.apps.googleusercontent.com", clientSecret: "secret-1", credentialFields: { developerToken: "dev-token-1" } },
        x: { clientId: "x-public-client" },
      },
    });
    expect(() => loadHostConfig({ NEONHUB_OAUTH_RETURN_URLS: "https://ok.example.com,not a url" })).toThrow(/NEONHUB_OAUTH_RETURN_URLS/);
    expect(loadHostConfig({ NEONHUB_OAUTH_COMPLETION: "confirm" }).oauthCompletion).toBe("confirm");
    expect(loadHostConfig({ NEONHUB_OAUTH_COMPLETION: "" }).oauthCompletion).toBe("callback");
    expect(() => loadHostConfig({ NEONHUB_OAUTH_COMPLETION: "confirmed" })).toThrow(/NEONHUB_OAUTH_COMPLETION/);
    expect(loadHostConfig({ NEONHUB_OAUTH_REVOKE_EXPIRED_GRANTS: "true" }).revokeExpiredOAuthGrants).toBe(true);
    expect(loadHostConfig({ NEONHUB_OAUTH_REVOKE_EXPIRED_GRANTS: "" }).revokeExpiredOAuthGrants).toBe(false);
    expect(() => loadHostConfig({ NEONHUB_OAUTH_REVOKE_EXPIRED_GRANTS: "no" })).toThrow(/NEONHUB_OAUTH_REVOKE_EXPIRED_GRANTS/);
    // Without a public URL there is no code flow, and nothing is added.
    expect(loadHostConfig({ NEONHUB_OAUTH_RETURN_URLS: "https://app.example.com/" }).oauthReturnUrls).toEqual(["https://app.example.com/"]);
  });

  it("refuses an OAuth client secret or field set without its client id, naming the variable", () => {
    expect(() =>
      loadHostConfig({
        NEONHUB_OAUTH_GOOGLE_ADS_CLIENT_SECRET: "secret-1",
        NEONHUB_OAUTH_GOOGLE_ADS_FIELD_DEVELOPER_TOKEN: "dev-token-1",
        NEONHUB_OAUTH_X_CLIENT_ID: " ",
        NEONHUB_OAUTH_X_CLIENT_SECRET: "secret-2",
        NEONHUB_OAUTH_SLACK_CLIENT_ID: "slack-client",
        NEONHUB_OAUTH_SLACK_CLIENT_SECRET: "secret-3",
      }),
    ).toThrow(
      expect.objectContaining({
        code: "CONFIGURATION_INVALID",
        message: [
          "Invalid host configuration:",
          "  NEONHUB_OAUTH_GOOGLE_ADS_CLIENT_SECRET: set without NEONHUB_OAUTH_GOOGLE_ADS_CLIENT_ID, so no OAuth client uses it",
          "  NEONHUB_OAUTH_GOOGLE_ADS_FIELD_DEVELOPER_TOKEN: set without NEONHUB_OAUTH_GOOGLE_ADS_CLIENT_ID, so no OAuth client adds it",
          "  NEONHUB_OAUTH_X_CLIENT_SECRET: set without NEONHUB_OAUTH_X_CLIENT_ID, so no OAuth client uses it",
        ].join("\n"),
      }),
    );
    // A blank secret or field is unset; a client id without a secret is a public client.
    expect(loadHostConfig({ NEONHUB_OAUTH_GOOGLE_ADS_CLIENT_SECRET: " ", NEONHUB_OAUTH_GOOGLE_ADS_FIELD_DEVELOPER_TOKEN: "" }).oauthClients).toEqual({});
    expect(loadHostConfig({ NEONHUB_OAUTH_X_CLIENT_ID: "x-public-client" }).oauthClients).toEqual({ x: { clientId: "x-public-client" } });
  });

  it("refuses a credentials key that is not 32 bytes, naming the variable and the entry of a previous key, never a key", () => {
    expect(loadHostConfig({ NEONHUB_CREDENTIALS_KEY: ` ${HEX_KEY} ` }).credentialsKey).toBe(HEX_KEY);
    expect(loadHostConfig({ NEONHUB_CREDENTIALS_KEY: BASE64_KEY }).credentialsKey).toBe(BASE64_KEY);
    let refused: unknown;
    try {
      loadHostConfig({ NEONHUB_CREDENTIALS_KEY: "tooshort", NEONHUB_CREDENTIALS_PREVIOUS_KEYS: `${HEX_KEY},bad,${"ab".repeat(31)}` });
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({
      code: "CONFIGURATION_INVALID",
      message: [
        "Invalid host configuration:",
        "  NEONHUB_CREDENTIALS_KEY: must be 32 random bytes, as 64 hex characters or as base64 (`openssl rand -base64 32`)",
        "  NEONHUB_CREDENTIALS_PREVIOUS_KEYS: entry 2 of 3 is not 32 random bytes, as 64 hex characters or as base64 (`openssl rand -base64 32`)",
        "  NEONHUB_CREDENTIALS_PREVIOUS_KEYS: entry 3 of 3 is not 32 random bytes, as 64 hex characters or as base64 (`openssl rand -base64 32`)",
      ].join("\n"),
    });
    expect((refused as Error).message).not.toContain("tooshort");
    expect(() => loadHostConfig({ NEONHUB_CREDENTIALS_PREVIOUS_KEYS: "bad" })).toThrow("NEONHUB_CREDENTIALS_PREVIOUS_KEYS: entry 1 of 1 is not 32 random bytes");
  });

  it("refuses a public URL with a query, a fragment or user info, which would end up in the OAuth redirect URI", () => {
    expect(loadHostConfig({ NEONHUB_PUBLIC_URL: "https://host.example.com/base/" }).publicUrl).toBe("https://host.example.com/base");
    expect(loadHostConfig({ NEONHUB_PUBLIC_URL: "http://127.0.0.1:3000" }).publicUrl).toBe("http://127.0.0.1:3000");
    for (const value of [
      "https://host.example.com/base/?x=1#frag",
      "https://host.example.com/?x=1",
      "https://host.example.com/?",
      "https://host.example.com/#frag",
      "https://host.example.com#",
      "https://user:password@host.example.com/",
      "https://user@host.example.com",
      "https://@host.example.com/",
    ]) {
      expect(() => loadHostConfig({ NEONHUB_PUBLIC_URL: value }), value).toThrow(
        expect.objectContaining({ code: "CONFIGURATION_INVALID", message: expect.stringContaining("  NEONHUB_PUBLIC_URL: must have no query (?), fragment (#) or user info (user@)") }),
      );
    }
  });

  it("reads a base URL per connector, and refuses one that is not an http(s) URL with the other problems", () => {
    const config = loadHostConfig({
      NEONHUB_CONNECTOR_LLM_BASE_URL: " https://llm-gateway.internal/v1 ",
      NEONHUB_CONNECTOR_GOOGLE_ADS_BASE_URL: "http://ads-proxy:8080",
      NEONHUB_CONNECTOR_SLACK_BASE_URL: "",
    });
    expect(config.connectorBaseUrls).toEqual({ llm: "https://llm-gateway.internal/v1", "google-ads": "http://ads-proxy:8080" });
    expect(connectorBaseUrlVariable("google-ads")).toBe("NEONHUB_CONNECTOR_GOOGLE_ADS_BASE_URL");
    expect(() => loadHostConfig({ NEONHUB_CONNECTOR_LLM_BASE_URL: "llm-gateway.internal", LOG_LEVEL: "loud" })).toThrow(
      expect.objectContaining({ code: "CONFIGURATION_INVALID", message: expect.stringMatching(/LOG_LEVEL: .*\n {2}NEONHUB_CONNECTOR_LLM_BASE_URL: must be a URL starting with https:\/\/ or http:\/\//) }),
    );
    expect(() => loadHostConfig({ NEONHUB_CONNECTOR_LLM_BASE_URL: "ftp://llm-gateway.internal" })).toThrow(/NEONHUB_CONNECTOR_LLM_BASE_URL/);
  });

  it("reads the role, which needs Redis when the API and workers run apart, and a database server for a worker", () => {
    const redis = { REDIS_URL: "redis://127.0.0.1:6379" };
    const database = { DATABASE_URL: "postgres://neonhub@127.0.0.1:5432/neonhub" };
    expect(loadHostConfig({ ...redis, NEONHUB_ROLE: "api" })).toMatchObject({ role: "api", workerPort: null });
    expect(loadHostConfig({ ...redis, ...database, NEONHUB_ROLE: "worker", NEONHUB_WORKER_PORT: "9464" })).toMatchObject({ role: "worker", workerPort: 9464 });
    expect(loadHostConfig({ NEONHUB_ROLE: "" }).role).toBe("all");
    const refusal = (environment: Record<string, string>) => {
      try {
        loadHostConfig(environment);
      } catch (error) {
        return isNeonhubError(error) ? { code: error.code, message: error.message } : error;
      }
      return null;
    };
    expect(refusal({ NEONHUB_ROLE: "api", ...database })).toMatchObject({ code: "CONFIGURATION_INVALID", message: expect.stringMatching(/NEONHUB_ROLE=api needs REDIS_URL/) });
    expect(refusal({ NEONHUB_ROLE: "worker", ...database })).toMatchObject({ code: "CONFIGURATION_INVALID", message: expect.stringMatching(/NEONHUB_ROLE=worker needs REDIS_URL/) });
    expect(refusal({ NEONHUB_ROLE: "worker", ...redis })).toMatchObject({ code: "CONFIGURATION_INVALID", message: expect.stringMatching(/NEONHUB_ROLE=worker needs DATABASE_URL/) });
    expect(refusal({ NEONHUB_ROLE: "scheduler" })).toMatchObject({ code: "CONFIGURATION_INVALID", message: expect.stringMatching(/NEONHUB_ROLE/) });
    expect(refusal({ NEONHUB_WORKER_PORT: "70000" })).toMatchObject({ code: "CONFIGURATION_INVALID", message: expect.stringMatching(/NEONHUB_WORKER_PORT/) });
  });

  it("reads the API key cache's time to live, 0 turning the cache off, and refuses other values", () => {
    expect(loadHostConfig({ NEONHUB_API_KEY_CACHE_TTL_MS: "0" }).apiKeyCacheTtlMs).toBe(0);
    expect(loadHostConfig({ NEONHUB_API_KEY_CACHE_TTL_MS: "60000" }).apiKeyCacheTtlMs).toBe(60_000);
    for (const value of ["-1", "1.5", "soon", "3600001"]) {
      expect(() => loadHostConfig({ NEONHUB_API_KEY_CACHE_TTL_MS: value })).toThrow(/NEONHUB_API_KEY_CACHE_TTL_MS/);
    }
  });

  it("reads each organization's share of live run streams, at most the host's 1,000, and refuses other values", () => {
    expect(loadHostConfig({ NEONHUB_RUN_EVENT_STREAMS_PER_ORGANIZATION: "250" }).runEventStreamsPerOrganization).toBe(250);
    expect(loadHostConfig({ NEONHUB_RUN_EVENT_STREAMS_PER_ORGANIZATION: "1000" }).runEventStreamsPerOrganization).toBe(1_000);
    for (const value of ["0", "-1", "1.5", "many", "1001"]) {
      expect(() => loadHostConfig({ NEONHUB_RUN_EVENT_STREAMS_PER_ORGANIZATION: value })).toThrow(/NEONHUB_RUN_EVENT_STREAMS_PER_ORGANIZATION/);
    }
  });

  it("reads every variable of the configuration table", () => {
    const config = loadHostConfig({
      PORT: "8080",
      HOST: "0.0.0.0",
      NEONHUB_DATA_DIR: "/var/lib/neonhub",
      DATABASE_URL: "postgres://app@db:5432/neonhub",
      REDIS_URL: "redis://cache:6379",
      NEONHUB_CONNECTORS_MODE: "live",
      NEONHUB_CREDENTIALS_KEY: HEX_KEY,
      NEONHUB_DEV_API_KEY: "nh_development_key_0123456789",
      LOG_LEVEL: "warn",
    });
    expect(config).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      dataDir: "/var/lib/neonhub",
      databaseUrl: "postgres://app@db:5432/neonhub",
      redisUrl: "redis://cache:6379",
      connectorsMode: "live",
      developmentApiKey: "nh_development_key_0123456789",
      logLevel: "warn",
    });
  });

  it("reads the largest clock skew, which must be a positive integer below two thirds of the run lease", () => {
    expect(loadHostConfig({ NEONHUB_MAX_CLOCK_SKEW_MS: "2000" }).maxClockSkewMs).toBe(2_000);
    expect(loadHostConfig({ NEONHUB_RUN_LEASE_MS: "60000", NEONHUB_MAX_CLOCK_SKEW_MS: "39999" }).maxClockSkewMs).toBe(39_999);
    for (const value of ["0", "-5", "1.5", "soon"]) {
      expect(() => loadHostConfig({ NEONHUB_MAX_CLOCK_SKEW_MS: value })).toThrow("NEONHUB_MAX_CLOCK_SKEW_MS: must be a positive integer of milliseconds");
    }
    expect(() => loadHostConfig({ NEONHUB_MAX_CLOCK_SKEW_MS: "20000" })).toThrow(
      expect.objectContaining({ code: "CONFIGURATION_INVALID", message: expect.stringContaining("NEONHUB_MAX_CLOCK_SKEW_MS=20000 must be below two thirds of NEONHUB_RUN_LEASE_MS=30000 (20000 ms)") }),
    );
    // Unset, it shrinks with a short lease to a third of it; set, it must fit the lease.
    expect(loadHostConfig({ NEONHUB_RUN_LEASE_MS: "6000" }).maxClockSkewMs).toBe(2_000);
    expect(loadHostConfig({ NEONHUB_RUN_LEASE_MS: "1500" }).maxClockSkewMs).toBe(500);
    expect(loadHostConfig({ NEONHUB_RUN_LEASE_MS: "15000" }).maxClockSkewMs).toBe(5_000);
    expect(() => loadHostConfig({ NEONHUB_RUN_LEASE_MS: "6000", NEONHUB_MAX_CLOCK_SKEW_MS: "5000" })).toThrow(/NEONHUB_MAX_CLOCK_SKEW_MS=5000 must be below two thirds of NEONHUB_RUN_LEASE_MS=6000/);
    expect(loadHostConfig({ NEONHUB_RUN_LEASE_MS: "6000", NEONHUB_MAX_CLOCK_SKEW_MS: "3000" }).maxClockSkewMs).toBe(3_000);
  });

  it("reads how many takeovers a run survives, from 0 to 1,000", () => {
    expect(loadHostConfig({ NEONHUB_MAX_RUN_TAKEOVERS: "0" }).maxRunTakeovers).toBe(0);
    expect(loadHostConfig({ NEONHUB_MAX_RUN_TAKEOVERS: "20" }).maxRunTakeovers).toBe(20);
    for (const value of ["-1", "1.5", "1001", "many"]) {
      expect(() => loadHostConfig({ NEONHUB_MAX_RUN_TAKEOVERS: value }), value).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID", message: expect.stringContaining("NEONHUB_MAX_RUN_TAKEOVERS") }));
    }
  });

  it("reads the queue prefix, the reconcile delay and the queued-run alert, and refuses values out of range", () => {
    expect(loadHostConfig({ NEONHUB_QUEUE_PREFIX: "eu.west-1", NEONHUB_RECONCILE_DELAY_MS: "60000", NEONHUB_QUEUED_RUN_ALERT_MS: "120000" })).toMatchObject({
      queuePrefix: "eu.west-1",
      reconcileDelayMs: 60_000,
      queuedRunAlertMs: 120_000,
    });
    expect(() => loadHostConfig({ NEONHUB_QUEUE_PREFIX: "a:b" })).toThrow(/NEONHUB_QUEUE_PREFIX/);
    expect(() => loadHostConfig({ NEONHUB_RECONCILE_DELAY_MS: "100" })).toThrow(/NEONHUB_RECONCILE_DELAY_MS/);
    expect(() => loadHostConfig({ NEONHUB_QUEUED_RUN_ALERT_MS: "soon" })).toThrow(/NEONHUB_QUEUED_RUN_ALERT_MS/);
  });

  it("reads the run retention in days, 0 keeping every run, and refuses other values", () => {
    expect(loadHostConfig({ NEONHUB_RUN_RETENTION_DAYS: "90" })).toMatchObject({ runRetentionDays: 90 });
    expect(loadHostConfig({ NEONHUB_RUN_RETENTION_DAYS: "0" })).toMatchObject({ runRetentionDays: 0 });
    for (const value of ["-1", "1.5", "forever"]) expect(() => loadHostConfig({ NEONHUB_RUN_RETENTION_DAYS: value })).toThrow(/NEONHUB_RUN_RETENTION_DAYS/);
  });

  it("sends prepared statements to PostgreSQL unless told not to, and refuses other values", () => {
    expect(loadHostConfig({})).toMatchObject({ preparedStatements: true });
    expect(loadHostConfig({ NEONHUB_PG_PREPARED_STATEMENTS: "false" })).toMatchObject({ preparedStatements: false });
    expect(() => loadHostConfig({ NEONHUB_PG_PREPARED_STATEMENTS: "no" })).toThrow(/NEONHUB_PG_PREPARED_STATEMENTS/);
  });

  it("treats empty variables as unset", () => {
    expect(loadHostConfig({ PORT: "", DATABASE_URL: "", REDIS_URL: "" })).toMatchObject({ port: 3000, databaseUrl: null, redisUrl: null });
  });

  // Each integer variable, a value it accepts, and the setting it fills with its default.
  const integerVariables = [
    ["PORT", "8080", "port", 3000],
    ["NEONHUB_WORKER_PORT", "9464", "workerPort", null],
    ["NEONHUB_SHUTDOWN_DEADLINE_MS", "20000", "shutdownDeadlineMs", 10_000],
    ["NEONHUB_RECONCILE_DELAY_MS", "60000", "reconcileDelayMs", 30_000],
    ["NEONHUB_QUEUED_RUN_ALERT_MS", "120000", "queuedRunAlertMs", 300_000],
    ["NEONHUB_RUN_RETENTION_DAYS", "90", "runRetentionDays", 30],
    ["NEONHUB_MOCK_LATENCY_MS", "250", "mockLatencyMs", 0],
    ["NEONHUB_API_KEY_CACHE_TTL_MS", "60000", "apiKeyCacheTtlMs", 10_000],
    ["NEONHUB_RUN_LEASE_MS", "60000", "runLeaseMs", 30_000],
    ["NEONHUB_MAX_RUN_TAKEOVERS", "20", "maxRunTakeovers", 5],
    ["NEONHUB_MAX_CLOCK_SKEW_MS", "2000", "maxClockSkewMs", 5_000],
    ["NEONHUB_SWEEP_INTERVAL_MS", "500", "sweepIntervalMs", 1_000],
    ["NEONHUB_RUN_EVENT_STREAMS_PER_ORGANIZATION", "250", "runEventStreamsPerOrganization", 100],
    ["NEONHUB_SCHEDULER_INTERVAL_MS", "1000", "schedulerIntervalMs", 5_000],
  ] as const;

  it("treats a blank variable as unset, and reads a value without the blanks around it", () => {
    for (const [variable, value, setting, defaultValue] of integerVariables) {
      for (const blank of [" ", "\t", " \n "]) expect(loadHostConfig({ [variable]: blank })[setting], `${variable}=${JSON.stringify(blank)}`).toBe(defaultValue);
      expect(loadHostConfig({ [variable]: ` ${value}\t` })[setting], variable).toBe(Number(value));
    }
    expect(loadHostConfig({ DATABASE_URL: " ", REDIS_URL: "\t", NEONHUB_CONNECTORS_MODE: " ", LOG_LEVEL: " ", NEONHUB_CREDENTIALS_KEY: " " })).toMatchObject({
      databaseUrl: null,
      redisUrl: null,
      connectorsMode: "mock",
      logLevel: "info",
      credentialsKey: null,
    });
    expect(loadHostConfig({ DATABASE_URL: " postgres://app@db:5432/neonhub ", LOG_LEVEL: "warn " })).toMatchObject({ databaseUrl: "postgres://app@db:5432/neonhub", logLevel: "warn" });
  });

  it("reads integer variables written as plain decimal digits only, naming each variable that is not", () => {
    for (const [variable] of integerVariables) {
      for (const value of ["0x10", "1e3", "+16", "16.0", "-1", "1_000", "0b1", "Infinity"]) {
        expect(() => loadHostConfig({ [variable]: value }), `${variable}=${value}`).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID", message: expect.stringContaining(`  ${variable}: must be`) }));
      }
    }
    expect(() => loadHostConfig({ NEONHUB_API_KEY_CACHE_TTL_MS: "0x10" })).toThrow("NEONHUB_API_KEY_CACHE_TTL_MS: must be plain decimal digits, from 0 to 3600000");
  });

  it("reports every invalid variable by name in one ConfigurationError", () => {
    let caught: unknown;
    try {
      loadHostConfig({ PORT: "eighty", DATABASE_URL: "mysql://db/neonhub", NEONHUB_CONNECTORS_MODE: "sandbox", LOG_LEVEL: "loud" });
    } catch (error) {
      caught = error;
    }
    expect(isNeonhubError(caught, "CONFIGURATION_INVALID")).toBe(true);
    const message = (caught as Error).message;
    for (const name of ["PORT", "DATABASE_URL", "NEONHUB_CONNECTORS_MODE", "LOG_LEVEL"]) expect(message).toContain(name);
    expect(message).toContain("postgres://");
  });

  it("reports the problems between variables in the same message as the invalid variables", () => {
    let caught: unknown;
    try {
      loadHostConfig({
        PORT: "eighty",
        NEONHUB_ROLE: "worker",
        NEONHUB_CONNECTORS_MODE: "live",
        USE_MOCK_CONNECTORS: "true",
        NEONHUB_RUN_LEASE_MS: "6000",
        NEONHUB_MAX_CLOCK_SKEW_MS: "5000",
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: "CONFIGURATION_INVALID" });
    expect((caught as Error).message.split("\n")).toEqual([
      "Invalid host configuration:",
      "  PORT: must be plain decimal digits, from 0 to 65535",
      "  NEONHUB_CONNECTORS_MODE=live contradicts USE_MOCK_CONNECTORS=true",
      "  NEONHUB_CONNECTORS_MODE=live needs NEONHUB_CREDENTIALS_KEY: live connectors read each organization's credentials with it",
      "  NEONHUB_ROLE=worker needs REDIS_URL: queued runs go through Redis from API hosts to workers",
      "  NEONHUB_ROLE=worker needs DATABASE_URL: the embedded database belongs to one process",
      expect.stringMatching(/^ {2}NEONHUB_MAX_CLOCK_SKEW_MS=5000 must be below two thirds of NEONHUB_RUN_LEASE_MS=6000 /),
    ]);
    // A check between variables waits for the variables it reads to be valid: an invalid REDIS_URL is reported alone.
    expect(() => loadHostConfig({ NEONHUB_ROLE: "api", REDIS_URL: "http://cache:6379" })).toThrow(
      expect.objectContaining({ message: "Invalid host configuration:\n  REDIS_URL: must be a URL starting with redis:// or rediss://" }),
    );
  });

  it("rejects a development key too short to be safe", () => {
    expect(() => loadHostConfig({ NEONHUB_DEV_API_KEY: "short" })).toThrow(/NEONHUB_DEV_API_KEY/);
  });

  it("honours USE_MOCK_CONNECTORS and refuses a contradiction with live mode", () => {
    expect(loadHostConfig({ USE_MOCK_CONNECTORS: "true" }).connectorsMode).toBe("mock");
    // Only NEONHUB_CONNECTORS_MODE=live turns mock mode off.
    expect(loadHostConfig({ USE_MOCK_CONNECTORS: "false" }).connectorsMode).toBe("mock");
    expect(loadHostConfig({ USE_MOCK_CONNECTORS: "false", NEONHUB_CONNECTORS_MODE: "live", NEONHUB_CREDENTIALS_KEY: HEX_KEY }).connectorsMode).toBe("live");
    expect(() => loadHostConfig({ USE_MOCK_CONNECTORS: "true", NEONHUB_CONNECTORS_MODE: "live" })).toThrow(/contradicts/);
  });

  it("reads the scheduler interval, where 0 turns the scheduler off", () => {
    expect(loadHostConfig({ NEONHUB_SCHEDULER_INTERVAL_MS: "0" }).schedulerIntervalMs).toBe(0);
    expect(loadHostConfig({ NEONHUB_SCHEDULER_INTERVAL_MS: "1000" }).schedulerIntervalMs).toBe(1_000);
    expect(() => loadHostConfig({ NEONHUB_SCHEDULER_INTERVAL_MS: "-5" })).toThrow(/NEONHUB_SCHEDULER_INTERVAL_MS/);
  });

  it("reads the agents' breaker scope, organization by default, and refuses any other value naming the variable", () => {
    expect(loadHostConfig({ NEONHUB_AGENT_BREAKER_SCOPE: "agent" }).agentBreakerScope).toBe("agent");
    expect(loadHostConfig({ NEONHUB_AGENT_BREAKER_SCOPE: "organization" }).agentBreakerScope).toBe("organization");
    expect(loadHostConfig({ NEONHUB_AGENT_BREAKER_SCOPE: "" }).agentBreakerScope).toBe("organization");
    for (const value of ["tenant", "Organization", "organisation"]) {
      let refused: unknown;
      try {
        loadHostConfig({ NEONHUB_AGENT_BREAKER_SCOPE: value });
      } catch (error) {
        refused = error;
      }
      expect(isNeonhubError(refused, "CONFIGURATION_INVALID")).toBe(true);
      expect((refused as Error).message).toBe('Invalid host configuration:\n  NEONHUB_AGENT_BREAKER_SCOPE: must be "agent" or "organization"');
    }
  });
});
