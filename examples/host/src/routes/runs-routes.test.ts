import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { MAX_RUN_TREE_NODES, defineAgent } from "@neonhub/core";
import { sampleRunInput } from "@neonhub/core/testing";
import { createHostLogger } from "../runtime/create-logger.js";
import { createTestHost, type TestHost } from "../testing/create-test-host.js";
import { echoAgent } from "../testing/test-agents.js";

let host: TestHost;
beforeEach(async () => {
  host = await createTestHost();
});
afterEach(async () => {
  await host.app.close();
});

const postRun = (body: unknown, headers: Record<string, string> = host.alpha) =>
  host.app.inject({ method: "POST", url: "/v1/runs", headers, payload: body as Record<string, unknown> });

describe("POST /v1/runs", () => {
  it("answers 200 with the finished run of the caller's organization", async () => {
    const response = await postRun({ agent: "echo", intent: "say hello", input: { text: "hello" } });
    expect(response.statusCode).toBe(200);
    const run = response.json();
    expect(run).toMatchObject({ agentName: "echo", status: "COMPLETED", organizationId: "org_alpha", userId: "user_alpha", intent: "say hello", output: { text: "hello" } });
    expect(new Date(run.completedAt).getTime()).toBeGreaterThan(0);
    expect(run).toMatchObject({ timeoutMs: null });
    expect(run).not.toHaveProperty("requestHash");
  });

  it("answers 202 with the queued run when async, and runs it in the background", async () => {
    const response = await postRun({ agent: "echo", input: { text: "later" }, async: true });
    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body).toEqual({ id: expect.any(String), status: "QUEUED" });
    expect(response.headers.location).toBe(`/v1/runs/${body.id}`);
    await vi.waitFor(async () => expect((await host.orchestrator.getRun("org_alpha", body.id))?.status).toBe("COMPLETED"));
  });

  it("ends a queued run at the deadline its request gave", async () => {
    const response = await postRun({ agent: "waiting", input: {}, async: true, timeoutMs: 50 });
    expect(response.statusCode).toBe(202);
    await vi.waitFor(async () => expect(await host.orchestrator.getRun("org_alpha", response.json().id)).toMatchObject({ status: "TIMED_OUT", statusReason: "timeout" }), { timeout: 5_000 });
    const shown = await host.app.inject({ method: "GET", url: `/v1/runs/${response.json().id}`, headers: host.alpha });
    expect(shown.json()).toMatchObject({ status: "TIMED_OUT", timeoutMs: 50 });
  });

  it("replays an idempotency key with the same run and refuses a different request with 409", async () => {
    const first = await postRun({ agent: "echo", input: { text: "once" }, idempotencyKey: "launch-1" });
    const replay = await postRun({ agent: "echo", input: { text: "once" }, idempotencyKey: "launch-1" });
    expect(replay.statusCode).toBe(200);
    expect(replay.json().id).toBe(first.json().id);
    const conflict = await postRun({ agent: "echo", input: { text: "twice" }, idempotencyKey: "launch-1" });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.headers["content-type"]).toContain("application/problem+json");
    expect(conflict.json()).toMatchObject({ status: 409, code: "IDEMPOTENCY_CONFLICT", runId: first.json().id });
    const page = await host.orchestrator.listRuns({ organizationId: "org_alpha", limit: 10 });
    expect(page.runs).toHaveLength(1);
  });

  it("answers an async replay of a key 202 while its run waits, and 200 once the run has ended", async () => {
    const request = { agent: "approval", input: { text: "budget" }, idempotencyKey: "approve-1" };
    const first = await postRun(request);
    expect([first.statusCode, first.json().status]).toEqual([202, "WAITING"]);
    const whileWaiting = await postRun({ ...request, async: true });
    expect(whileWaiting.statusCode).toBe(202);
    expect(whileWaiting.json()).toMatchObject({ id: first.json().id, status: "WAITING" });
    expect(whileWaiting.headers.location).toBe(`/v1/runs/${first.json().id}`);
    await host.app.inject({ method: "POST", url: `/v1/runs/${first.json().id}/signals/approval`, headers: host.alpha, payload: { payload: { approved: true } } });
    await vi.waitFor(async () => expect((await host.orchestrator.getRun("org_alpha", first.json().id))?.status).toBe("COMPLETED"));
    const ended = await postRun({ ...request, async: true });
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toMatchObject({ id: first.json().id, status: "COMPLETED" });
  });

  it("keeps idempotency keys per organization", async () => {
    const alpha = await postRun({ agent: "echo", input: { text: "a" }, idempotencyKey: "shared" });
    const beta = await postRun({ agent: "echo", input: { text: "b" }, idempotencyKey: "shared" }, host.beta);
    expect(beta.statusCode).toBe(200);
    expect(beta.json().id).not.toBe(alpha.json().id);
  });

  it("answers 400 with field errors for a body or an agent input that does not match", async () => {
    const missing = await postRun({ input: { text: "x" }, unexpected: true });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: "VALIDATION_FAILED", status: 400, title: "Bad Request" });
    const paths = missing.json().fieldErrors.map((field: { path: string }) => field.path);
    expect(paths).toContain("body.agent");

    const badInput = await postRun({ agent: "echo", input: { text: "" } });
    expect(badInput.statusCode).toBe(400);
    expect(badInput.json().fieldErrors).toEqual([expect.objectContaining({ path: "body.input.text" })]);

    const noInput = await postRun({ agent: "echo" });
    expect(noInput.statusCode).toBe(400);
    expect(noInput.json().fieldErrors).toEqual([expect.objectContaining({ path: "body.input", message: "is required" })]);
  });

  it("answers 404 for an agent that is not registered", async () => {
    const response = await postRun({ agent: "nobody", input: {} });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: "AGENT_NOT_FOUND", type: "urn:neonhub:problem:agent-not-found" });
  });

  it("answers 429 with Retry-After when the admission limit is reached", async () => {
    expect((await postRun({ agent: "scarce", input: {} })).statusCode).toBe(200);
    const limited = await postRun({ agent: "scarce", input: {} });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers["retry-after"])).toBeLessThanOrEqual(60);
    expect(limited.json()).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: Number(limited.headers["retry-after"]) });
  });

  it("answers 200 with the failed run, then 503 with Retry-After once the breaker opens", async () => {
    const failed = await postRun({ agent: "broken", input: {} });
    expect(failed.statusCode).toBe(200);
    expect(failed.json()).toMatchObject({ status: "FAILED", statusReason: "upstream_failed", error: { code: "UPSTREAM_FAILED", message: "The provider refused the request." } });
    await postRun({ agent: "broken", input: {} });
    const open = await postRun({ agent: "broken", input: {} });
    expect(open.statusCode).toBe(503);
    expect(open.json()).toMatchObject({ code: "CIRCUIT_OPEN", status: 503 });
    expect(Number(open.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(open.headers["retry-after"])).toBeLessThanOrEqual(30);
  });
});

describe("GET /v1/runs/:id", () => {
  it("answers the run with its tool executions", async () => {
    const created = (await postRun({ agent: "echo", input: { text: "traced" } })).json();
    const response = await host.app.inject({ method: "GET", url: `/v1/runs/${created.id}`, headers: host.alpha });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: created.id,
      status: "COMPLETED",
      toolExecutions: [{ connector: "slack", action: "postMessage", status: "SUCCEEDED", attempt: 1, input: { channel: "#echo", text: "traced" } }],
    });
  });

  it("says when a run started more runs than its tree shows", async () => {
    const parent = (await postRun({ agent: "echo", input: { text: "parent" } })).json();
    const parentRun = await host.store.getRun("org_alpha", parent.id);
    const createdAt = parentRun!.createdAt.getTime();
    for (let index = 0; index <= MAX_RUN_TREE_NODES; index += 1) {
      await host.store.createRun(sampleRunInput({ organizationId: "org_alpha", parentRunId: parent.id, agentName: "echo", createdAt: new Date(createdAt + index), status: "QUEUED" }));
    }
    const tree = (await host.app.inject({ method: "GET", url: `/v1/runs/${parent.id}`, headers: host.alpha })).json();
    expect(tree.children).toHaveLength(MAX_RUN_TREE_NODES);
    expect(tree.childrenTruncated).toBe(true);
    const leaf = (await host.app.inject({ method: "GET", url: `/v1/runs/${tree.children[0].id}`, headers: host.alpha })).json();
    expect(leaf).toMatchObject({ children: [], childrenTruncated: false });
  });

  it("names in each CHILD step the child whose end it read, without the child's output", async () => {
    const relay = defineAgent({
      name: "relay",
      version: "1.0.0",
      description: "Echoes its text through a child run",
      input: z.object({ text: z.string() }),
      output: z.object({ text: z.string() }),
      handle: async (input, context) => context.runAgent<{ text: string }>("echo", { text: input.text }),
    });
    await host.app.close();
    host = await createTestHost({ agents: [relay, echoAgent] });
    const started = (await postRun({ agent: "relay", input: { text: "relayed-secret" } })).json();
    await vi.waitFor(async () => expect((await host.orchestrator.getRun("org_alpha", started.id))?.status).toBe("COMPLETED"));
    const read = (await host.app.inject({ method: "GET", url: `/v1/runs/${started.id}`, headers: host.alpha })).json();
    expect(read.children).toHaveLength(1);
    expect(read.steps.map((step: { key: string; childRunId: unknown }) => [step.key, step.childRunId])).toEqual([
      ["agent:echo#0", null],
      ["agent:echo#0/result", read.children[0].id],
    ]);
    expect(JSON.stringify(read.steps)).not.toContain("relayed-secret");
  });

  it("answers 404 for a run of another organization and for an unknown id", async () => {
    const created = (await postRun({ agent: "echo", input: { text: "private" } })).json();
    const foreign = await host.app.inject({ method: "GET", url: `/v1/runs/${created.id}`, headers: host.beta });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: "RUN_NOT_FOUND" });
    expect(foreign.body).not.toContain("private");
    const unknown = await host.app.inject({ method: "GET", url: "/v1/runs/00000000-0000-4000-8000-000000000000", headers: host.alpha });
    expect(unknown.statusCode).toBe(404);
  });

  it("answers 400 for an id that cannot be a run id", async () => {
    const response = await host.app.inject({ method: "GET", url: "/v1/runs/not%20an%20id;drop", headers: host.alpha });
    expect(response.statusCode).toBe(400);
    expect(response.json().fieldErrors[0].path).toBe("params.id");
  });
});

describe("GET /v1/runs", () => {
  it("lists the organization's runs newest first with filters and cursor pagination", async () => {
    for (const text of ["one", "two", "three"]) await postRun({ agent: "echo", input: { text } });
    await postRun({ agent: "broken", input: {} });
    await postRun({ agent: "echo", input: { text: "other org" } }, host.beta);

    const first = await host.app.inject({ method: "GET", url: "/v1/runs?agent=echo&status=COMPLETED&limit=2", headers: host.alpha });
    expect(first.statusCode).toBe(200);
    const firstPage = first.json();
    expect(firstPage.runs.map((run: { input: { text: string } }) => run.input.text)).toEqual(["three", "two"]);
    expect(firstPage.nextCursor).toEqual(expect.any(String));
    const second = await host.app.inject({ method: "GET", url: `/v1/runs?agent=echo&status=COMPLETED&limit=2&cursor=${encodeURIComponent(firstPage.nextCursor)}`, headers: host.alpha });
    expect(second.json().runs.map((run: { input: { text: string } }) => run.input.text)).toEqual(["one"]);
    expect(second.json().nextCursor).toBeNull();

    const failed = await host.app.inject({ method: "GET", url: "/v1/runs?status=FAILED", headers: host.alpha });
    expect(failed.json().runs).toHaveLength(1);
    const all = await host.app.inject({ method: "GET", url: "/v1/runs", headers: host.alpha });
    expect(all.json().runs).toHaveLength(4);
  });

  it("filters by creation time", async () => {
    await postRun({ agent: "echo", input: { text: "now" } });
    const future = new Date(Date.now() + 60_000).toISOString();
    const after = await host.app.inject({ method: "GET", url: `/v1/runs?createdAfter=${future}`, headers: host.alpha });
    expect(after.json().runs).toHaveLength(0);
    const before = await host.app.inject({ method: "GET", url: `/v1/runs?createdBefore=${future}`, headers: host.alpha });
    expect(before.json().runs).toHaveLength(1);
  });

  it("answers 400 for a bad filter, limit or cursor", async () => {
    for (const query of ["status=DONE", "limit=0", "limit=1000", "createdAfter=yesterday", "cursor=%25%25garbage", "sort=asc"]) {
      const response = await host.app.inject({ method: "GET", url: `/v1/runs?${query}`, headers: host.alpha });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().code, query).toBe("VALIDATION_FAILED");
    }
  });
});

describe("POST /v1/runs/:id/cancel", () => {
  it("cancels a running run of the organization", async () => {
    const queued = (await postRun({ agent: "waiting", input: {}, async: true })).json();
    await vi.waitFor(async () => expect((await host.orchestrator.getRun("org_alpha", queued.id))?.status).toBe("RUNNING"));
    const response = await host.app.inject({ method: "POST", url: `/v1/runs/${queued.id}/cancel`, headers: host.alpha });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: queued.id, status: "CANCELLED" });
  });

  it("answers 404 for a run of another organization and leaves it running", async () => {
    const queued = (await postRun({ agent: "waiting", input: {}, async: true })).json();
    await vi.waitFor(async () => expect((await host.orchestrator.getRun("org_alpha", queued.id))?.status).toBe("RUNNING"));
    const foreign = await host.app.inject({ method: "POST", url: `/v1/runs/${queued.id}/cancel`, headers: host.beta });
    expect(foreign.statusCode).toBe(404);
    expect((await host.orchestrator.getRun("org_alpha", queued.id))?.status).toBe("RUNNING");
    await host.app.inject({ method: "POST", url: `/v1/runs/${queued.id}/cancel`, headers: host.alpha });
  });

  it("answers a finished run unchanged, and its audit line says the cancel changed nothing", async () => {
    const logLines: string[] = [];
    await host.app.close();
    host = await createTestHost({ logger: createHostLogger({ logLevel: "info" }, { write: (line: string) => void logLines.push(line) }) });
    const done = (await postRun({ agent: "echo", input: { text: "done" } })).json();
    const response = await host.app.inject({ method: "POST", url: `/v1/runs/${done.id}/cancel`, headers: host.alpha });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: "COMPLETED" });
    const audit = logLines.map((line) => JSON.parse(line)).filter((entry) => entry.audit === "run.cancel");
    expect(audit).toEqual([expect.objectContaining({ runId: done.id, status: "COMPLETED", userId: "user_alpha", msg: "run not cancelled: it had already ended COMPLETED" })]);
  });

  it("logs who cancelled a run in an audit line, and a repeated cancel as one that changed nothing", async () => {
    const logLines: string[] = [];
    await host.app.close();
    host = await createTestHost({ logger: createHostLogger({ logLevel: "info" }, { write: (line: string) => void logLines.push(line) }) });
    const queued = (await postRun({ agent: "waiting", input: {}, async: true })).json();
    await vi.waitFor(async () => expect((await host.orchestrator.getRun("org_alpha", queued.id))?.status).toBe("RUNNING"));
    await host.app.inject({ method: "POST", url: `/v1/runs/${queued.id}/cancel`, headers: host.alpha });
    const again = await host.app.inject({ method: "POST", url: `/v1/runs/${queued.id}/cancel`, headers: host.alpha });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ status: "CANCELLED" });
    const audit = logLines.map((line) => JSON.parse(line)).filter((entry) => entry.audit === "run.cancel");
    expect(audit).toEqual([
      expect.objectContaining({ runId: queued.id, status: "CANCELLED", organizationId: "org_alpha", userId: "user_alpha", msg: "run cancelled" }),
      expect.objectContaining({ runId: queued.id, status: "CANCELLED", userId: "user_alpha", msg: "run not cancelled: it had already ended CANCELLED" }),
    ]);
  });
});

describe("POST /v1/runs/{id}/signals/{name}", () => {
  const signal = (runId: string, name: string, payload: unknown, headers: Record<string, string> = host.alpha) =>
    host.app.inject({ method: "POST", url: `/v1/runs/${runId}/signals/${name}`, headers, payload: { payload } as Record<string, unknown> });

  it("answers a run that waits with 202 and WAITING, wakes it with a signal, and shows its steps", async () => {
    const started = await postRun({ agent: "approval", input: { text: "raise budget" } });
    expect(started.statusCode).toBe(202);
    const run = started.json();
    expect(run).toMatchObject({ status: "WAITING", wakeAt: expect.any(String) });
    expect(started.headers.location).toBe(`/v1/runs/${run.id}`);
    const sent = await signal(run.id, "approval", { approved: true });
    expect(sent.statusCode).toBe(202);
    await vi.waitFor(async () => expect((await host.orchestrator.getRun("org_alpha", run.id))?.status).toBe("COMPLETED"));
    const read = (await host.app.inject({ method: "GET", url: `/v1/runs/${run.id}`, headers: host.alpha })).json();
    expect(read.output).toEqual({ text: "approved by user_alpha" });
    expect(read.steps).toEqual([expect.objectContaining({ position: 0, key: "approval", kind: "SIGNAL", status: "SUCCEEDED", attempts: 1 })]);
    expect(read.steps[0]).not.toHaveProperty("output");
  });

  it("answers 404 for another organization's run and 409 for a second signal of a name, leaving the run waiting", async () => {
    const run = (await postRun({ agent: "approval", input: { text: "x" } })).json();
    const foreign = await signal(run.id, "approval", { approved: true }, host.beta);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: "RUN_NOT_FOUND" });
    expect((await host.orchestrator.getRun("org_alpha", run.id))?.status).toBe("WAITING");
    expect((await signal(run.id, "other", 1)).statusCode).toBe(202);
    const again = await signal(run.id, "other", 2);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: "SIGNAL_CONFLICT" });
    const bad = await signal(run.id, "..%2Fx", 1);
    expect(bad.statusCode).toBe(400);
  });

  it("answers 409 for a signal whose wait timed out while the run is still open, and keeps nothing", async () => {
    // Waits no time for a signal, so its wait times out at once, then sleeps: the run stays open.
    const impatient = defineAgent({
      name: "impatient",
      version: "1.0.0",
      description: "Times out its wait at once, then sleeps",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, context) => {
        await context.waitForSignal("approval", { timeoutMs: 0 });
        await context.sleep("cool-down", 3_600_000);
        return {};
      },
    });
    await host.app.close();
    host = await createTestHost({ agents: [impatient] });
    const run = (await postRun({ agent: "impatient", input: {} })).json();
    expect(run).toMatchObject({ status: "WAITING" });
    const late = await signal(run.id, "approval", { approved: true });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: "SIGNAL_CONFLICT", detail: expect.stringContaining(`its wait for "approval" ended: timed out`) });
    expect(await host.orchestrator.store.getSignal("org_alpha", run.id, "approval")).toBeNull();
  });

  it("answers 400 VALIDATION_FAILED for a name reserved for child runs' wake-ups", async () => {
    const run = (await postRun({ agent: "approval", input: { text: "x" } })).json();
    const reserved = await signal(run.id, "child:01b3", null);
    expect(reserved.statusCode).toBe(400);
    expect(reserved.json()).toMatchObject({ code: "VALIDATION_FAILED" });
    expect(await host.orchestrator.store.getSignal("org_alpha", run.id, "child:01b3")).toBeNull();
  });
});
