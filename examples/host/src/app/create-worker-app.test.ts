import { describe, expect, it } from "vitest";
import { createWorkerApp } from "./create-worker-app.js";

describe("createWorkerApp", () => {
  it("answers health and metrics, 503 while a dependency is down, and serves nothing of the API", async () => {
    let redisUp = true;
    const app = await createWorkerApp({
      version: "1.2.3",
      healthChecks: {
        database: async () => undefined,
        redis: async () => {
          if (!redisUp) throw new Error("connect ECONNREFUSED redis://127.0.0.1:6379");
        },
      },
      metrics: { contentType: "text/plain; version=0.0.4", render: async () => "neonhub_runs_total 3\n" },
    });
    try {
      const healthy = await app.inject({ method: "GET", url: "/api/health" });
      expect(healthy.statusCode).toBe(200);
      expect(healthy.json()).toMatchObject({ status: "ok", version: "1.2.3", checks: { database: { status: "up" }, redis: { status: "up" } } });
      redisUp = false;
      const down = await app.inject({ method: "GET", url: "/api/health" });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ status: "unavailable", checks: { redis: { status: "down", detail: "connect ECONNREFUSED <url>" } } });
      const metrics = await app.inject({ method: "GET", url: "/metrics" });
      expect(metrics.statusCode).toBe(200);
      expect(metrics.body).toBe("neonhub_runs_total 3\n");
      const api = await app.inject({ method: "POST", url: "/v1/runs", payload: { agent: "onboarding-sequence", input: {} } });
      expect(api.statusCode).toBe(404);
      expect(api.headers["content-type"]).toMatch(/application\/problem\+json/);
    } finally {
      await app.close();
    }
  });
});
