import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestHost, type TestHost } from "../testing/create-test-host.js";

let host: TestHost;
beforeAll(async () => {
  host = await createTestHost();
});
afterAll(async () => {
  await host.app.close();
});

const protectedRoutes = [
  { method: "POST" as const, url: "/v1/runs", payload: { agent: "echo", input: { text: "x" } } },
  { method: "GET" as const, url: "/v1/runs" },
  { method: "GET" as const, url: "/v1/runs/00000000-0000-4000-8000-000000000000" },
  { method: "POST" as const, url: "/v1/runs/00000000-0000-4000-8000-000000000000/cancel" },
  { method: "GET" as const, url: "/v1/agents" },
  { method: "GET" as const, url: "/v1/connectors" },
];

describe("API key authentication", () => {
  it.each(protectedRoutes)("answers 401 without a key: $method $url", async (route) => {
    const response = await host.app.inject(route);
    expect(response.statusCode).toBe(401);
    expect(response.headers["content-type"]).toContain("application/problem+json");
    expect(response.json()).toMatchObject({ status: 401, code: "UNAUTHORIZED", title: "Unauthorized" });
  });

  it("answers 401 for an unknown, revoked or malformed key, all alike", async () => {
    const headers = [
      { authorization: "Bearer nh_unknown_key_that_was_never_issued" },
      { authorization: `Bearer ${host.keys.revoked}` },
      { authorization: host.keys.alpha },
      { authorization: `Basic ${Buffer.from(`user:${host.keys.alpha}`).toString("base64")}` },
      { authorization: `Bearer ${host.keys.alpha} extra` },
      { authorization: `Bearer ${"x".repeat(5_000)}` },
    ];
    const bodies = new Set<string>();
    for (const header of headers) {
      const response = await host.app.inject({ method: "GET", url: "/v1/agents", headers: header });
      expect(response.statusCode).toBe(401);
      bodies.add(response.body);
    }
    expect(bodies.size).toBe(1);
  });

  it.each(["Bearer", "bearer", "BEARER", "bEaReR", "Bearer  "])("accepts the scheme written %j, as RFC 9110 allows", async (scheme) => {
    const response = await host.app.inject({ method: "GET", url: "/v1/agents", headers: { authorization: `${scheme} ${host.keys.alpha}` } });
    expect(response.statusCode).toBe(200);
  });

  it.each(["Bearerx", "Bear", "Token"])("refuses the scheme %j", async (scheme) => {
    const response = await host.app.inject({ method: "GET", url: "/v1/agents", headers: { authorization: `${scheme} ${host.keys.alpha}` } });
    expect(response.statusCode).toBe(401);
  });

  it("authenticates a valid key before reading the body", async () => {
    const response = await host.app.inject({ method: "POST", url: "/v1/runs", headers: { "content-type": "application/json" }, payload: "{not json" });
    expect(response.statusCode).toBe(401);
  });

  it("lets public routes through without a key", async () => {
    for (const url of ["/api/health", "/metrics", "/openapi.json"]) {
      expect((await host.app.inject({ method: "GET", url })).statusCode, url).toBe(200);
    }
  });
});
