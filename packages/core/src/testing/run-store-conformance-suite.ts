import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isNeonhubError } from "../errors/neonhub-error.js";
import type { CreateRunInput, FinishRunInput, RunStore } from "../ports/run-store.js";

/** Options of {@link runRunStoreConformanceSuite}. */
export interface RunStoreConformanceOptions {
  /** Label of the adapter in test names. */
  name: string;
  /** Opens a store on an empty database (called once for the suite). */
  createStore: () => Promise<RunStore>;
  /** Closes the store and removes what it created. */
  destroyStore?: (store: RunStore) => Promise<void>;
}

const BASE_TIME = Date.UTC(2026, 5, 1, 12);

/** A run to create; each call gets fresh ids so tests do not see each other's runs. */
export function sampleRunInput(overrides: Partial<CreateRunInput> = {}): CreateRunInput {
  return {
    id: randomUUID(),
    agentName: "sample-agent",
    agentVersion: "1.0.0",
    organizationId: `org-${randomUUID()}`,
    userId: "user-1",
    intent: "draft a post",
    input: { topic: "launch", tags: ["a", "b"], nested: { count: 2 } },
    idempotencyKey: null,
    requestHash: null,
    status: "RUNNING",
    createdAt: new Date(BASE_TIME),
    startedAt: new Date(BASE_TIME),
    traceId: null,
    parentRunId: null,
    ...overrides,
  };
}

const finishInput = (organizationId: string, runId: string, overrides: Partial<FinishRunInput> = {}): FinishRunInput => ({
  organizationId,
  runId,
  status: "COMPLETED",
  statusReason: "completed",
  output: { text: "done", score: 0.5 },
  error: null,
  attempts: 2,
  completedAt: new Date(BASE_TIME + 1_500),
  durationMs: 1_500,
  metrics: [
    { name: "duration_ms", value: 1_500, unit: "ms" },
    { name: "tokens", value: 42, unit: "tokens" },
  ],
  ...overrides,
});

/**
 * The behaviour every {@link RunStore} adapter must show. Call it at the top level of a vitest file:
 * @example
 * runRunStoreConformanceSuite({ name: "postgres", createStore: () => createPrismaRunStore({ url }) });
 */
export function runRunStoreConformanceSuite(options: RunStoreConformanceOptions): void {
  describe(`RunStore conformance: ${options.name}`, () => {
    let store: RunStore;
    beforeAll(async () => {
      store = await options.createStore();
    });
    afterAll(async () => {
      if (store) await (options.destroyStore ? options.destroyStore(store) : store.close());
    });

    it("declares the port version and is healthy", async () => {
      expect(store.specificationVersion).toBe("v1");
      await expect(store.checkHealth()).resolves.toBeUndefined();
    });

    it("creates a run and reads it back with every field", async () => {
      const input = sampleRunInput({ traceId: "0af7651916cd43dd8448eb211c80319c", parentRunId: randomUUID() });
      const { created, run } = await store.createRun(input);
      expect(created).toBe(true);
      const read = await store.getRun(input.organizationId, input.id);
      for (const candidate of [run, read]) {
        expect(candidate).toMatchObject({
          id: input.id,
          agentName: "sample-agent",
          agentVersion: "1.0.0",
          organizationId: input.organizationId,
          userId: "user-1",
          intent: "draft a post",
          status: "RUNNING",
          statusReason: null,
          input: input.input,
          output: null,
          error: null,
          attempts: 1,
          traceId: input.traceId,
          parentRunId: input.parentRunId,
          completedAt: null,
          durationMs: null,
        });
        expect(candidate?.createdAt).toBeInstanceOf(Date);
        expect(candidate?.createdAt.getTime()).toBe(BASE_TIME);
        expect(candidate?.startedAt?.getTime()).toBe(BASE_TIME);
      }
    });

    it("hides a run from other organizations", async () => {
      const input = sampleRunInput();
      await store.createRun(input);
      expect(await store.getRun("another-org", input.id)).toBeNull();
      expect(await store.listToolExecutions("another-org", input.id)).toEqual([]);
      await expect(store.finishRun(finishInput("another-org", input.id))).rejects.toSatisfy((error) => isNeonhubError(error, "RUN_NOT_FOUND"));
      expect((await store.getRun(input.organizationId, input.id))?.status).toBe("RUNNING");
    });

    it("returns null for an unknown run and rejects finishing it", async () => {
      expect(await store.getRun("org-x", randomUUID())).toBeNull();
      await expect(store.finishRun(finishInput("org-x", randomUUID()))).rejects.toSatisfy((error) => isNeonhubError(error, "RUN_NOT_FOUND"));
    });

    it("finishes a run with output, attempts, duration and metrics", async () => {
      const input = sampleRunInput();
      await store.createRun(input);
      await store.recordAttempt(input.organizationId, input.id, 2);
      expect((await store.getRun(input.organizationId, input.id))?.attempts).toBe(2);
      const finished = await store.finishRun(finishInput(input.organizationId, input.id));
      expect(finished).toMatchObject({ status: "COMPLETED", statusReason: "completed", output: { text: "done", score: 0.5 }, attempts: 2, durationMs: 1_500 });
      expect(finished.completedAt?.getTime()).toBe(BASE_TIME + 1_500);
      const metrics = await store.listRunMetrics(input.organizationId, input.id);
      expect([...metrics].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: "duration_ms", value: 1_500, unit: "ms" },
        { name: "tokens", value: 42, unit: "tokens" },
      ]);
      expect(await store.listRunMetrics("another-org", input.id)).toEqual([]);
    });

    it("keeps the first finish when a run is finished twice", async () => {
      const input = sampleRunInput();
      await store.createRun(input);
      await store.finishRun(finishInput(input.organizationId, input.id, { status: "CANCELLED", statusReason: "cancelled", output: null, error: { code: "CANCELLED", message: "stop" } }));
      const second = await store.finishRun(finishInput(input.organizationId, input.id));
      expect(second).toMatchObject({ status: "CANCELLED", statusReason: "cancelled", output: null, error: { code: "CANCELLED", message: "stop" } });
      expect((await store.getRun(input.organizationId, input.id))?.status).toBe("CANCELLED");
    });

    it("stores failures with their error", async () => {
      const input = sampleRunInput();
      await store.createRun(input);
      const failed = await store.finishRun(
        finishInput(input.organizationId, input.id, { status: "TIMED_OUT", statusReason: "timeout", output: null, error: { code: "TIMEOUT", message: "too slow" }, metrics: [] }),
      );
      expect(failed).toMatchObject({ status: "TIMED_OUT", statusReason: "timeout", error: { code: "TIMEOUT", message: "too slow" }, output: null });
    });

    it("starts queued runs once, and not cancelled ones", async () => {
      const input = sampleRunInput({ status: "QUEUED", startedAt: null });
      const { run } = await store.createRun(input);
      expect(run).toMatchObject({ status: "QUEUED", startedAt: null, attempts: 0 });
      const started = await store.startRun({ organizationId: input.organizationId, runId: input.id, startedAt: new Date(BASE_TIME + 10), traceId: "trace-1" });
      expect(started).toMatchObject({ status: "RUNNING", traceId: "trace-1", attempts: 1 });
      expect(await store.startRun({ organizationId: input.organizationId, runId: input.id, startedAt: new Date(BASE_TIME + 20), traceId: null })).toBeNull();
      const cancelled = sampleRunInput({ status: "QUEUED", startedAt: null });
      await store.createRun(cancelled);
      await store.finishRun(finishInput(cancelled.organizationId, cancelled.id, { status: "CANCELLED", statusReason: "cancelled", output: null, attempts: 0 }));
      expect(await store.startRun({ organizationId: cancelled.organizationId, runId: cancelled.id, startedAt: new Date(), traceId: null })).toBeNull();
    });

    it("returns the first run for a reused idempotency key, per organization", async () => {
      const first = sampleRunInput({ idempotencyKey: "key-1", requestHash: "hash-a" });
      expect((await store.createRun(first)).created).toBe(true);
      const again = await store.createRun(sampleRunInput({ organizationId: first.organizationId, idempotencyKey: "key-1", requestHash: "hash-b" }));
      expect(again.created).toBe(false);
      expect(again.run).toMatchObject({ id: first.id, requestHash: "hash-a" });
      expect((await store.findRunByIdempotencyKey(first.organizationId, "key-1"))?.id).toBe(first.id);
      expect(await store.findRunByIdempotencyKey(first.organizationId, "key-2")).toBeNull();
      const otherOrganization = await store.createRun(sampleRunInput({ idempotencyKey: "key-1" }));
      expect(otherOrganization.created).toBe(true);
    });

    it("creates exactly one run when 50 creates race with one key", async () => {
      const organizationId = `org-${randomUUID()}`;
      const results = await Promise.all(
        Array.from({ length: 50 }, () => store.createRun(sampleRunInput({ organizationId, idempotencyKey: "race", requestHash: "same" }))),
      );
      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(new Set(results.map((result) => result.run.id)).size).toBe(1);
      const page = await store.listRuns({ organizationId, limit: 100 });
      expect(page.runs).toHaveLength(1);
    });

    it("lists runs newest first with filters and stable cursor pages", async () => {
      const organizationId = `org-${randomUUID()}`;
      const created: string[] = [];
      for (let index = 0; index < 23; index += 1) {
        // Several runs share a timestamp so that the id breaks ties.
        const input = sampleRunInput({ organizationId, agentName: index % 2 === 0 ? "even" : "odd", createdAt: new Date(BASE_TIME + Math.floor(index / 3) * 1_000) });
        await store.createRun(input);
        created.push(input.id);
      }
      await store.createRun(sampleRunInput());
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listRuns({ organizationId, limit: 10, ...(cursor ? { cursor } : {}) });
        seen.push(...page.runs.map((run) => run.id));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(23);
      expect([...seen].sort()).toEqual([...created].sort());
      const all = (await store.listRuns({ organizationId, limit: 100 })).runs;
      expect(all.map((run) => run.id)).toEqual(seen);
      for (let index = 1; index < all.length; index += 1) {
        const previous = all[index - 1]!;
        const current = all[index]!;
        expect(previous.createdAt.getTime() > current.createdAt.getTime() || (previous.createdAt.getTime() === current.createdAt.getTime() && previous.id > current.id)).toBe(true);
      }
      const odd = await store.listRuns({ organizationId, agentName: "odd", limit: 100 });
      expect(odd.runs).toHaveLength(11);
      expect(odd.runs.every((run) => run.agentName === "odd")).toBe(true);
      const windowed = await store.listRuns({ organizationId, createdAfter: new Date(BASE_TIME + 2_000), createdBefore: new Date(BASE_TIME + 4_000), limit: 100 });
      expect(windowed.runs).toHaveLength(6);
      const first = all[0]!;
      await store.finishRun(finishInput(organizationId, first.id));
      const completed = await store.listRuns({ organizationId, status: "COMPLETED", limit: 100 });
      expect(completed.runs.map((run) => run.id)).toEqual([first.id]);
    });

    it("filters runs by user and by a case-insensitive intent search", async () => {
      const organizationId = `org-${randomUUID()}`;
      const ada = sampleRunInput({ organizationId, userId: "ada", intent: "Draft the LAUNCH post" });
      const bob = sampleRunInput({ organizationId, userId: "bob", intent: "analyse keywords", createdAt: new Date(BASE_TIME + 1) });
      const silent = sampleRunInput({ organizationId, userId: "ada", intent: null, createdAt: new Date(BASE_TIME + 2) });
      const elsewhere = sampleRunInput({ userId: "ada", intent: "launch elsewhere" });
      for (const input of [ada, bob, silent, elsewhere]) await store.createRun(input);
      const byAda = await store.listRuns({ organizationId, userId: "ada", limit: 10 });
      expect(byAda.runs.map((run) => run.id)).toEqual([silent.id, ada.id]);
      const launch = await store.listRuns({ organizationId, intentContains: "launch", limit: 10 });
      expect(launch.runs.map((run) => run.id)).toEqual([ada.id]);
      const percent = await store.listRuns({ organizationId, intentContains: "%", limit: 10 });
      expect(percent.runs).toEqual([]);
      await expect(store.listRuns({ organizationId, intentContains: "", limit: 10 })).rejects.toSatisfy((error) => isNeonhubError(error, "VALIDATION_FAILED"));
    });

    it("summarizes an organization's runs per agent and per minute", async () => {
      const organizationId = `org-${randomUUID()}`;
      const durations = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000, 1_100, 1_200, 1_300, 1_400, 1_500, 1_600, 1_700, 1_800, 1_900, 2_000];
      for (const [index, durationMs] of durations.entries()) {
        const input = sampleRunInput({ organizationId, agentName: "writer", createdAt: new Date(BASE_TIME + (index % 2) * 60_000 + index) });
        await store.createRun(input);
        await store.finishRun(finishInput(organizationId, input.id, index < 3 ? { status: "FAILED", error: { code: "HANDLER_FAILED", message: "no" }, durationMs } : { durationMs }));
      }
      const open = sampleRunInput({ organizationId, agentName: "analyst", createdAt: new Date(BASE_TIME + 5) });
      const outside = sampleRunInput({ organizationId, agentName: "analyst", createdAt: new Date(BASE_TIME - 1) });
      for (const input of [open, outside, sampleRunInput({ agentName: "writer", createdAt: new Date(BASE_TIME) })]) await store.createRun(input);
      const summary = await store.summarizeRuns({ organizationId, since: new Date(BASE_TIME), until: new Date(BASE_TIME + 3_600_000) });
      expect(summary.agents).toEqual([
        { agentName: "analyst", total: 1, completed: 0, failed: 0, p95DurationMs: null },
        { agentName: "writer", total: 20, completed: 17, failed: 3, p95DurationMs: 1_900 },
      ]);
      expect(summary.minutes.map((minute) => [minute.minute.getTime() - BASE_TIME, minute.status, minute.count])).toEqual([
        [0, "COMPLETED", 8],
        [0, "FAILED", 2],
        [0, "RUNNING", 1],
        [60_000, "COMPLETED", 9],
        [60_000, "FAILED", 1],
      ]);
      expect(summary.minutes[3]?.p95DurationMs).toBe(2_000);
      await expect(store.summarizeRuns({ organizationId, since: new Date(BASE_TIME), until: new Date(BASE_TIME + 25 * 3_600_000) })).rejects.toSatisfy((error) =>
        isNeonhubError(error, "VALIDATION_FAILED"),
      );
    });

    it("rejects a cursor it did not make with a validation error", async () => {
      await expect(store.listRuns({ organizationId: "org", limit: 10, cursor: "not-a-cursor" })).rejects.toSatisfy((error) => isNeonhubError(error, "VALIDATION_FAILED"));
    });

    it("records tool executions in order and finishes them", async () => {
      const input = sampleRunInput();
      await store.createRun(input);
      const ids = [randomUUID(), randomUUID()];
      for (const [index, id] of ids.entries()) {
        const started = await store.startToolExecution({
          id,
          organizationId: input.organizationId,
          runId: input.id,
          connector: "slack",
          action: "postMessage",
          input: { channel: "#general", index },
          attempt: 1,
          startedAt: new Date(BASE_TIME + index * 10),
        });
        expect(started).toMatchObject({ id, status: "RUNNING", output: null, error: null, completedAt: null });
      }
      const finished = await store.finishToolExecution({
        organizationId: input.organizationId,
        id: ids[0]!,
        status: "SUCCEEDED",
        output: { ts: "1.2" },
        error: null,
        completedAt: new Date(BASE_TIME + 5),
        durationMs: 5,
      });
      expect(finished).toMatchObject({ status: "SUCCEEDED", output: { ts: "1.2" }, durationMs: 5 });
      await store.finishToolExecution({
        organizationId: input.organizationId,
        id: ids[1]!,
        status: "FAILED",
        output: null,
        error: { code: "RATE_LIMITED", message: "slow down" },
        completedAt: new Date(BASE_TIME + 30),
        durationMs: 20,
      });
      const tools = await store.listToolExecutions(input.organizationId, input.id);
      expect(tools.map((tool) => [tool.id, tool.status, tool.connector, tool.action])).toEqual([
        [ids[0], "SUCCEEDED", "slack", "postMessage"],
        [ids[1], "FAILED", "slack", "postMessage"],
      ]);
      expect(tools[1]).toMatchObject({ error: { code: "RATE_LIMITED", message: "slow down" }, input: { channel: "#general", index: 1 } });
    });

    it("marks only runs left running before the cut-off as abandoned", async () => {
      const organizationId = `org-${randomUUID()}`;
      const stale = sampleRunInput({ organizationId, startedAt: new Date(BASE_TIME - 60_000) });
      const fresh = sampleRunInput({ organizationId, startedAt: new Date(BASE_TIME + 60_000) });
      const queued = sampleRunInput({ organizationId, status: "QUEUED", startedAt: null });
      for (const input of [stale, fresh, queued]) await store.createRun(input);
      const recovered = await store.recoverOrphanedRuns({ startedBefore: new Date(BASE_TIME), statusReason: "abandoned", completedAt: new Date(BASE_TIME + 1) });
      expect(recovered).toContain(stale.id);
      expect(recovered).not.toContain(fresh.id);
      expect(recovered).not.toContain(queued.id);
      expect(await store.getRun(organizationId, stale.id)).toMatchObject({ status: "FAILED", statusReason: "abandoned" });
      expect((await store.getRun(organizationId, fresh.id))?.status).toBe("RUNNING");
      expect((await store.getRun(organizationId, queued.id))?.status).toBe("QUEUED");
    });
  });
}
