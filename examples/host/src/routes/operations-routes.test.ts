import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

describe("GET /metrics", () => {
  it("serves the exporter's text with its content type", async () => {
    const response = await host.app.inject({ method: "GET", url: "/metrics" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(response.body).toContain("neonhub_up 1");
  });
});
