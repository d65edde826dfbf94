import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineAgent } from "@neonhub/core";
import { createManualClock, type ManualClock } from "@neonhub/core/testing";
import { createTestHost, type TestHost } from "../testing/create-test-host.js";
import { approvalAgent } from "../testing/test-agents.js";
import { MAX_OPEN_RUN_WAITS_PER_ORGANIZATION } from "./open-run-waits.js";

let release: () => void = () => undefined;
/** Ends when the test releases it, so that a request is already waiting when it ends. */
const gatedAgent = defineAgent({
  name: "gated",
  version: "1.0.0",
  description: "Ends when released",
  input: z.object({}),
  output: z.object({ done: z.boolean() }),
  handle: async () => (await new Promise<void>((resolve) => (release = resolve)), { done: true }),
});

let host: TestHost;
let clock: ManualClock;
const startHost = async () => {
  clock = createManualClock();
  host = await createTestHost({ agents: [gatedAgent, approvalAgent], orchestratorClock: clock });
};
afterEach(async () => {
  await host?.app.close();
});

const readRun = (id: string, query: string, headers = host.alpha) => host.app.inject({ method: "GET", url: `/v1/runs/${id}${query}`, headers });
const queueGated = async () => (await host.orchestrator.enqueue({ agent: "gated", input: {}, context: { organizationId: "org_alpha", userId: "user_alpha" } })).id;
const startApproval = async () => (await host.orchestrator.orchestrate({ agent: "approval", input: { text: "budget" }, context: { organizationId: "org_alpha", userId: "user_alpha" } })).id;
const pending = Symbol("pending");
const stateOf = async <T>(promise: Promise<T>): Promise<T | typeof pending> => {
  for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  return Promise.race([promise, Promise.resolve(pending)]);
};

describe("GET /v1/runs/:id?waitMs=", () => {
  it("answers once the run has ended, with its tool executions and steps", async () => {
    await startHost();
    const id = await queueGated();
    const answer = readRun(id, "?waitMs=30000");
    expect(await stateOf(answer)).toBe(pending);
    release();
    const response = await answer;
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id, status: "COMPLETED", output: { done: true }, toolExecutions: [], steps: [] });
  });

  it("answers with the run as it is when waitMs passes first", async () => {
    await startHost();
    const id = await startApproval();
    const answer = readRun(id, "?waitMs=2000");
    expect(await stateOf(answer)).toBe(pending);
    await clock.advance(2_000);
    const response = await answer;
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id, status: "WAITING" });
  });

  it("answers at once without waitMs, and for a run that has ended", async () => {
    await startHost();
    const waiting = await startApproval();
    expect((await readRun(waiting, "")).json()).toMatchObject({ status: "WAITING" });
    const id = await queueGated();
    release();
    await vi.waitFor(async () => expect((await host.orchestrator.getRun("org_alpha", id))?.status).toBe("COMPLETED"));
    expect((await readRun(id, "?waitMs=30000")).json()).toMatchObject({ status: "COMPLETED" });
  });

  it("answers 404 for a run of another organization without waiting", async () => {
    await startHost();
    const id = await startApproval();
    const response = await readRun(id, "?waitMs=30000", host.beta);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: "RUN_NOT_FOUND" });
  });

  it.each(["30001", "-1", "1.5", "soon"])("refuses waitMs=%s with 400 naming the parameter", async (waitMs) => {
    await startHost();
    const id = await startApproval();
    const response = await readRun(id, `?waitMs=${waitMs}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "querystring.waitMs" }] });
  });

  it("answers a waiting request with the run as it is when the host closes, without holding the close", async () => {
    await startHost();
    const id = await startApproval();
    const answer = readRun(id, "?waitMs=30000");
    expect(await stateOf(answer)).toBe(pending);
    await host.app.close();
    const response = await answer;
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id, status: "WAITING" });
  });

  it(`refuses more than ${MAX_OPEN_RUN_WAITS_PER_ORGANIZATION} waits of one organization with 429, and frees a slot when its client leaves`, async () => {
    await startHost();
    const id = await startApproval();
    const baseUrl = await host.app.listen({ host: "127.0.0.1", port: 0 });
    const clients = Array.from({ length: MAX_OPEN_RUN_WAITS_PER_ORGANIZATION }, () => new AbortController());
    const waits = clients.map((client) => fetch(`${baseUrl}/v1/runs/${id}?waitMs=30000`, { headers: host.alpha, signal: client.signal }).catch((error: unknown) => error));
    const waitAgain = () => fetch(`${baseUrl}/v1/runs/${id}?waitMs=30000`, { headers: host.alpha, signal: AbortSignal.timeout(60_000) });
    await vi.waitFor(async () => {
      const refused = await fetch(`${baseUrl}/v1/runs/${id}?waitMs=1`, { headers: host.alpha });
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(await refused.json()).toMatchObject({ code: "RATE_LIMITED" });
    });
    // Another organization has slots of its own.
    const beta = await fetch(`${baseUrl}/v1/runs/${id}?waitMs=30000`, { headers: host.beta });
    expect(beta.status).toBe(404);
    clients[0]?.abort();
    // The slot is free once the server has seen the client leave: a wait asked for then is held, not refused.
    let next: Promise<Response> | undefined;
    await vi.waitFor(async () => {
      const attempt = waitAgain();
      expect(await stateOf(attempt)).toBe(pending);
      next = attempt;
    });
    await host.app.close();
    expect((await next)?.status).toBe(200);
    await Promise.all(waits);
  });
});
