import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtInConnectors, checkApiVersions } from "@neonhub/connectors";
import { createManualClock } from "@neonhub/core/testing";
import { createTestHost } from "../testing/create-test-host.js";

let host: Awaited<ReturnType<typeof createTestHost>>;
beforeAll(async () => {
  host = await createTestHost();
});
afterAll(async () => {
  await host.app.close();
});

describe("GET /api/health", () => {
  it("answers 200 with the version, uptime and each check", async () => {
    const response = await host.app.inject({ method: "GET", url: "/api/health" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: "ok", version: "9.9.9-test", uptime: expect.any(Number), checks: { database: { status: "up", durationMs: expect.any(Number) } } });
  });

  it("answers 503 when a dependency is down, without leaking connection strings", async () => {
    host.health.databaseUp = false;
    try {
      const response = await host.app.inject({ method: "GET", url: "/api/health" });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ status: "unavailable", checks: { database: { status: "down", detail: "connect ECONNREFUSED <url>" } } });
      expect(response.body).not.toContain("secret");
    } finally {
      host.health.databaseUp = true;
    }
  });
});

describe("query parameters on the operations routes", () => {
  it.each(["/api/health?probe=lb", "/api/health?_=1733529600000", "/metrics?format=prometheus"])("ignores them in %s, as probes and scrapers add their own", async (url) => {
    const response = await host.app.inject({ method: "GET", url });
    expect(response.statusCode).toBe(200);
  });
});

describe("GET /api/health with connector API versions", () => {
  it("lists a connector whose pinned version is near its sunset or deprecated, and stays 200", async () => {
    const clock = createManualClock(Date.UTC(2027, 7, 10));
    const withVersions = await createTestHost({ connectorApiVersions: () => checkApiVersions(builtInConnectors, { clock }) });
    try {
      const response = await withVersions.app.inject({ method: "GET", url: "/api/health" });
      expect(response.statusCode).toBe(200);
      expect(response.json().connectorApiVersions).toEqual([
        { connector: "linkedin", version: "202610", status: "sunset_soon", daysUntilSunset: 52, sunsetAt: "2027-10-01", docsUrl: "https://learn.microsoft.com/en-us/linkedin/marketing/versioning" },
        { connector: "google-ads", version: "v26", status: "sunset_soon", daysUntilSunset: 83, sunsetAt: "2027-11-01", docsUrl: "https://developers.google.com/google-ads/api/docs/sunset-dates" },
        { connector: "shopify", version: "2026-10", status: "sunset_soon", daysUntilSunset: 52, sunsetAt: "2027-10-01", docsUrl: "https://shopify.dev/docs/api/usage/versioning" },
      ]);
    } finally {
      await withVersions.app.close();
    }
    const today = await host.app.inject({ method: "GET", url: "/api/health" });
    expect(today.json().connectorApiVersions).toEqual([]);
  });
});

describe("GET /metrics", () => {
  it("serves the exporter's text with its content type", async () => {
    const response = await host.app.inject({ method: "GET", url: "/metrics" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(response.body).toContain("neonhub_up 1");
  });
});
