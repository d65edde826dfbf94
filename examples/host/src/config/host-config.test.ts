import { isNeonhubError } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import { loadHostConfig } from "./host-config.js";

describe("loadHostConfig", () => {
  it("fills the quick-start defaults from an empty environment", () => {
    expect(loadHostConfig({})).toEqual({
      port: 3000,
      host: "127.0.0.1",
      dataDir: "./.neonhub",
      databaseUrl: null,
      redisUrl: null,
      connectorsMode: "mock",
      developmentApiKey: null,
      logLevel: "info",
      credentialsKey: null,
      shutdownDeadlineMs: 10_000,
      queueName: "neonhub-runs",
      mockLatencyMs: 0,
      apiKeyCacheTtlMs: 10_000,
      inspectorAssetsDirectory: null,
    });
  });

  it("reads the API key cache's time to live, 0 turning the cache off, and refuses other values", () => {
    expect(loadHostConfig({ NEONHUB_API_KEY_CACHE_TTL_MS: "0" }).apiKeyCacheTtlMs).toBe(0);
    expect(loadHostConfig({ NEONHUB_API_KEY_CACHE_TTL_MS: "60000" }).apiKeyCacheTtlMs).toBe(60_000);
    for (const value of ["-1", "1.5", "soon", "3600001"]) {
      expect(() => loadHostConfig({ NEONHUB_API_KEY_CACHE_TTL_MS: value })).toThrow(/NEONHUB_API_KEY_CACHE_TTL_MS/);
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

  it("treats empty variables as unset", () => {
    expect(loadHostConfig({ PORT: "", DATABASE_URL: "", REDIS_URL: "" })).toMatchObject({ port: 3000, databaseUrl: null, redisUrl: null });
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

  it("rejects a development key too short to be safe", () => {
    expect(() => loadHostConfig({ NEONHUB_DEV_API_KEY: "short" })).toThrow(/NEONHUB_DEV_API_KEY/);
  });

  it("honours USE_MOCK_CONNECTORS and refuses a contradiction with live mode", () => {
    expect(loadHostConfig({ USE_MOCK_CONNECTORS: "true" }).connectorsMode).toBe("mock");
    expect(() => loadHostConfig({ USE_MOCK_CONNECTORS: "true", NEONHUB_CONNECTORS_MODE: "live" })).toThrow(/contradicts/);
  });
});
