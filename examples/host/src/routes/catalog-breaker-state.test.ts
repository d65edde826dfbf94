import { defineAgent, UpstreamFailedError, type BreakerScope } from "@neonhub/core";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestHost, type TestHost } from "../testing/create-test-host.js";

/** Syncs the organization's store; alpha's store answers 5xx, beta's works. */
const shopSync = defineAgent({
  name: "shop-sync",
  version: "1.0.0",
  description: "Syncs the organization's store",
  input: z.object({}),
  output: z.object({ synced: z.boolean() }),
  policies: { breaker: { failureThreshold: 2, resetTimeoutMs: 30_000 }, retry: { attempts: 1 } },
  handle: async (_input, context) => {
    if (context.organizationId === "org_alpha") throw new UpstreamFailedError("The store answered 503.");
    return { synced: true };
  },
});

let host: TestHost | undefined;
afterEach(async () => {
  await host?.app.close();
  host = undefined;
});

/** A host listening on 127.0.0.1 whose agents' breakers have the given scope. */
async function listeningHost(scope: BreakerScope) {
  host = await createTestHost({ agents: [shopSync], policies: { breaker: { scope } } });
  const baseUrl = await host.app.listen({ host: "127.0.0.1", port: 0 });
  const started = host;
  const call = (method: "GET" | "POST", path: string, organization: "alpha" | "beta") =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...started[organization], ...(method === "POST" ? { "content-type": "application/json" } : {}) },
      ...(method === "POST" ? { body: JSON.stringify({ agent: "shop-sync", input: {} }) } : {}),
    });
  const agentOf = async (organization: "alpha" | "beta") => {
    const response = await call("GET", "/v1/agents", organization);
    expect(response.status).toBe(200);
    const { agents } = (await response.json()) as { agents: Array<{ name: string; breakerState: string; breakerScope: string }> };
    return agents.find((agent) => agent.name === "shop-sync");
  };
  // A run that executed and failed is answered with its record.
  const failAlphaTwice = async () => {
    for (let index = 0; index < 2; index += 1) {
      const failed = await call("POST", "/v1/runs", "alpha");
      expect(failed.status).toBe(200);
      expect(await failed.json()).toMatchObject({ status: "FAILED", error: { code: "UPSTREAM_FAILED" } });
    }
  };
  return { call, agentOf, failAlphaTwice };
}

describe("GET /v1/agents with breakers per organization", () => {
  it("reports the caller's organization's breaker: open for alpha after its failures, closed for beta, whose runs still run", async () => {
    const { call, agentOf, failAlphaTwice } = await listeningHost("organization");
    await failAlphaTwice();
    const refused = await call("POST", "/v1/runs", "alpha");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("30");
    expect(await refused.json()).toMatchObject({ code: "CIRCUIT_OPEN" });

    const beta = await call("POST", "/v1/runs", "beta");
    expect(beta.status).toBe(200);
    expect(await beta.json()).toMatchObject({ status: "COMPLETED", output: { synced: true } });

    expect(await agentOf("alpha")).toMatchObject({ breakerState: "open", breakerScope: "organization" });
    expect(await agentOf("beta")).toMatchObject({ breakerState: "closed", breakerScope: "organization" });
  });

  it("with the agent scope, alpha's failures open the agent for beta too", async () => {
    const { call, agentOf, failAlphaTwice } = await listeningHost("agent");
    await failAlphaTwice();
    const beta = await call("POST", "/v1/runs", "beta");
    expect(beta.status).toBe(503);
    expect(await beta.json()).toMatchObject({ code: "CIRCUIT_OPEN" });
    expect(await agentOf("beta")).toMatchObject({ breakerState: "open", breakerScope: "agent" });
  });
});
