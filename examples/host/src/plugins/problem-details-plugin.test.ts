import { createMemoryRunStore, defineAgent, StoreUnavailableError, type RunStore } from "@neonhub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestHost, type TestHost } from "../testing/create-test-host.js";

let host: TestHost;
beforeAll(async () => {
  host = await createTestHost({ bodyLimitBytes: 64 * 1024 });
});
afterAll(async () => {
  await host.app.close();
});

function expectProblem(response: { statusCode: number; headers: Record<string, unknown>; json(): Record<string, unknown>; body: string }, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  expect(String(response.headers["content-type"])).toContain("application/problem+json");
  const problem = response.json();
  expect(problem).toMatchObject({ status, code, type: expect.stringMatching(/^urn:neonhub:problem:/), title: expect.any(String), detail: expect.any(String) });
  expect(response.body).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
}

describe("problem details for hostile requests", () => {
  it("answers 400 for malformed JSON", async () => {
    const response = await host.app.inject({ method: "POST", url: "/v1/runs", headers: { ...host.alpha, "content-type": "application/json" }, payload: '{"agent": "echo", "input": ' });
    expectProblem(response, 400, "VALIDATION_FAILED");
  });

  it("answers 400 for an empty JSON body and for a body that is not an object", async () => {
    expectProblem(await host.app.inject({ method: "POST", url: "/v1/runs", headers: { ...host.alpha, "content-type": "application/json" }, payload: "" }), 400, "VALIDATION_FAILED");
    expectProblem(await host.app.inject({ method: "POST", url: "/v1/runs", headers: { ...host.alpha, "content-type": "application/json" }, payload: "[1,2]" }), 400, "VALIDATION_FAILED");
    expectProblem(await host.app.inject({ method: "POST", url: "/v1/runs", headers: { ...host.alpha, "content-type": "application/json" }, payload: "null" }), 400, "VALIDATION_FAILED");
  });

  it("answers 415 for a body that is not JSON", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"]) {
      const response = await host.app.inject({ method: "POST", url: "/v1/runs", headers: { ...host.alpha, "content-type": type }, payload: "agent=echo" });
      expectProblem(response, 415, "UNSUPPORTED_MEDIA_TYPE");
    }
  });

  it("answers 413 for a body over the limit", async () => {
    const payload = JSON.stringify({ agent: "echo", input: { text: "x".repeat(100 * 1024) } });
    const response = await host.app.inject({ method: "POST", url: "/v1/runs", headers: { ...host.alpha, "content-type": "application/json" }, payload });
    expectProblem(response, 413, "PAYLOAD_TOO_LARGE");
  });

  it("answers 400 for a prototype-polluting body without polluting anything", async () => {
    const response = await host.app.inject({
      method: "POST",
      url: "/v1/runs",
      headers: { ...host.alpha, "content-type": "application/json" },
      payload: '{"agent":"echo","input":{"text":"x"},"__proto__":{"polluted":true}}',
    });
    expectProblem(response, 400, "VALIDATION_FAILED");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("answers 404 for unknown routes and methods", async () => {
    expectProblem(await host.app.inject({ method: "GET", url: "/v2/everything" }), 404, "NOT_FOUND");
    expectProblem(await host.app.inject({ method: "DELETE", url: "/v1/runs", headers: host.alpha }), 404, "NOT_FOUND");
  });

  it("answers 400 for a malformed URL", async () => {
    expectProblem(await host.app.inject({ method: "GET", url: "/v1/runs/%E0%A4%A", headers: host.alpha }), 400, "VALIDATION_FAILED");
  });

  it("answers wrong types in every field with 400, never 500", async () => {
    const bodies = [
      { agent: 42, input: {} },
      { agent: "echo", input: { text: 7 } },
      { agent: "echo", input: {}, async: "yes" },
      { agent: "echo", input: {}, timeoutMs: -1 },
      { agent: "echo", input: {}, idempotencyKey: "" },
      { agent: "x".repeat(500), input: {} },
    ];
    for (const body of bodies) {
      const response = await host.app.inject({ method: "POST", url: "/v1/runs", headers: host.alpha, payload: body });
      expectProblem(response, 400, "VALIDATION_FAILED");
      expect((response.json().fieldErrors as unknown[]).length).toBeGreaterThan(0);
    }
  });

  it("keeps serving after all of the above", async () => {
    const response = await host.app.inject({ method: "POST", url: "/v1/runs", headers: host.alpha, payload: { agent: "echo", input: { text: "still here" } } });
    expect(response.statusCode).toBe(200);
  });
});

describe("problem details for failures on the server's side", () => {
  it("answers 503 with Retry-After when the store cannot record the run, and runs nothing", async () => {
    const store = createMemoryRunStore();
    let handled = 0;
    const failingStore: RunStore = { ...store, createRun: async () => Promise.reject(new StoreUnavailableError("connection refused")) };
    const counting = defineAgent({ name: "counting", version: "1", description: "", input: z.object({}), output: z.object({}), handle: async () => ((handled += 1), {}) });
    const failing = await createTestHost({ store: failingStore, agents: [counting] });
    try {
      const response = await failing.app.inject({ method: "POST", url: "/v1/runs", headers: failing.alpha, payload: { agent: "counting", input: {} } });
      expectProblem(response, 503, "STORE_UNAVAILABLE");
      expect(Number(response.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(handled).toBe(0);
    } finally {
      await failing.app.close();
    }
  });

  it("answers 500 without details when something unexpected throws, and keeps serving", async () => {
    const broken = await createTestHost({
      orchestratorOverrides: {
        listAgents: () => {
          throw new TypeError("Cannot read properties of undefined (reading 'secret')");
        },
      },
    });
    try {
      const response = await broken.app.inject({ method: "GET", url: "/v1/agents", headers: broken.alpha });
      expectProblem(response, 500, "INTERNAL_ERROR");
      expect(response.body).not.toContain("secret");
      expect((await broken.app.inject({ method: "GET", url: "/v1/connectors", headers: broken.alpha })).statusCode).toBe(200);
    } finally {
      await broken.app.close();
    }
  });
});
