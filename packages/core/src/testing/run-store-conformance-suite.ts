import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "./vitest-api.js";
import { isNeonhubError } from "../errors/neonhub-error.js";
import { callOutcome, HOSTILE_TEXTS, refusedField } from "./call-outcome.js";
import type { JournalStep } from "../model/journal-step.js";
import type { ToolExecution } from "../model/tool-execution.js";
import type { CreateRunInput, FinishRunInput, RecordStepInput, RunStore } from "../ports/run-store.js";

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
    lease: overrides.status === "QUEUED" ? null : { owner: "executor-1", expiresAt: new Date(BASE_TIME + 30_000) },
    ...overrides,
  };
}

/** A journal write at `position` of a run held under `fence`; a tool execution goes with it unless told otherwise. */
export function sampleStepInput(
  run: Pick<CreateRunInput, "id" | "organizationId">,
  position: number,
  overrides: Partial<Omit<JournalStep, "runId">> = {},
  options: { fence?: number; toolExecution?: Partial<Omit<ToolExecution, "runId">> | null } = {},
): RecordStepInput {
  const step: Omit<JournalStep, "runId"> = {
    position,
    key: `slack.postMessage#${position}`,
    kind: "TOOL",
    status: "SUCCEEDED",
    output: { ts: `${position}.0001`, at: "2026-06-01T12:00:00.000Z", nested: { list: [1, 2, { deep: true }] } },
    error: null,
    attempts: 1,
    startedAt: new Date(BASE_TIME + position * 10),
    completedAt: new Date(BASE_TIME + position * 10 + 5),
    wakeAt: null,
    ...overrides,
  };
  const tool: Omit<ToolExecution, "runId"> | undefined =
    options.toolExecution === null
      ? undefined
      : {
          id: randomUUID(),
          stepKey: step.key,
          connector: "slack",
          action: "postMessage",
          status: step.status === "STARTED" ? "RUNNING" : step.status,
          input: { channel: "#general", position },
          output: step.status === "SUCCEEDED" ? { ts: "[shown]" } : null,
          error: step.error,
          attempt: 1,
          startedAt: step.startedAt,
          completedAt: step.completedAt,
          durationMs: step.completedAt ? step.completedAt.getTime() - step.startedAt.getTime() : null,
          ...options.toolExecution,
        };
  return { organizationId: run.organizationId, runId: run.id, fence: options.fence ?? 1, step, ...(tool ? { toolExecution: tool } : {}) };
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
      expect(store.specificationVersion).toBe("v2");
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
          timeoutMs: null,
          completedAt: null,
          durationMs: null,
          fence: 1,
          leaseOwner: "executor-1",
          wakeAt: null,
        });
        expect(candidate?.leaseExpiresAt?.getTime()).toBe(BASE_TIME + 30_000);
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

    it("starts queued runs once, under a lease, and not cancelled ones", async () => {
      const input = sampleRunInput({ status: "QUEUED", startedAt: null });
      const { run } = await store.createRun(input);
      expect(run).toMatchObject({ status: "QUEUED", startedAt: null, attempts: 0, fence: 0, leaseOwner: null });
      const lease = { owner: "worker-1", expiresAt: new Date(BASE_TIME + 30_000) };
      const started = await store.startRun({ organizationId: input.organizationId, runId: input.id, agentVersion: "2.0.0", startedAt: new Date(BASE_TIME + 10), traceId: "trace-1", lease });
      // Pinned to the version that starts it, not the one that queued it.
      expect(started).toMatchObject({ status: "RUNNING", agentVersion: "2.0.0", traceId: "trace-1", attempts: 1, fence: 1, leaseOwner: "worker-1" });
      expect(await store.getRun(input.organizationId, input.id)).toMatchObject({ agentVersion: "2.0.0" });
      expect(started?.leaseExpiresAt?.getTime()).toBe(BASE_TIME + 30_000);
      expect(await store.startRun({ organizationId: input.organizationId, runId: input.id, agentVersion: "1.0.0", startedAt: new Date(BASE_TIME + 20), traceId: null, lease })).toBeNull();
      const cancelled = sampleRunInput({ status: "QUEUED", startedAt: null });
      await store.createRun(cancelled);
      await store.finishRun(finishInput(cancelled.organizationId, cancelled.id, { status: "CANCELLED", statusReason: "cancelled", output: null, attempts: 0 }));
      expect(await store.startRun({ organizationId: cancelled.organizationId, runId: cancelled.id, agentVersion: "1.0.0", startedAt: new Date(), traceId: null, lease })).toBeNull();
    });

    it("answers a create with the id of a run its organization holds with that run, and refuses the id for another organization", async () => {
      // A create retried after its answer was lost (the run was written) finds the run it wrote; ids are unique
      // across organizations, so another organization's create with the id changes nothing.
      const first = sampleRunInput({ intent: "first" });
      expect((await store.createRun(first)).created).toBe(true);
      const again = await store.createRun({ ...sampleRunInput({ organizationId: first.organizationId, intent: "second" }), id: first.id });
      expect(again).toMatchObject({ created: false, run: { id: first.id, intent: "first" } });
      const foreign = { ...sampleRunInput({ intent: "foreign" }), id: first.id };
      expect(await callOutcome(() => store.createRun(foreign))).toBe("already exists id");
      expect(await store.getRun(first.organizationId, first.id)).toMatchObject({ intent: "first", status: first.status });
      expect(await store.getRun(foreign.organizationId, first.id)).toBeNull();
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

    it("lists the child runs of a run, in its organization only", async () => {
      const organizationId = `org-${randomUUID()}`;
      const parent = sampleRunInput({ organizationId });
      const first = sampleRunInput({ organizationId, parentRunId: parent.id, createdAt: new Date(BASE_TIME + 1) });
      const second = sampleRunInput({ organizationId, parentRunId: parent.id, createdAt: new Date(BASE_TIME + 2) });
      const unrelated = sampleRunInput({ organizationId, parentRunId: randomUUID() });
      const otherOrganization = sampleRunInput({ parentRunId: parent.id });
      for (const input of [parent, first, second, unrelated, otherOrganization]) await store.createRun(input);
      const children = await store.listRuns({ organizationId, parentRunId: parent.id, limit: 10 });
      expect(children.runs.map((run) => run.id)).toEqual([second.id, first.id]);
      expect(children.runs.every((run) => run.parentRunId === parent.id)).toBe(true);
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

    it("summarizes one agent's period in its organization: statuses, durations, metrics and tool calls", async () => {
      const organizationId = `org-${randomUUID()}`;
      const since = new Date(BASE_TIME);
      const until = new Date(BASE_TIME + 7 * 86_400_000);
      const inPeriod = (offsetMs: number, overrides: Partial<CreateRunInput> = {}) => sampleRunInput({ organizationId, agentName: "analyst", createdAt: new Date(BASE_TIME + offsetMs), ...overrides });
      const found = (value: number) => [{ name: "opportunities", value, unit: "count" }, { name: "duration_ms", value: 100, unit: "ms" }];
      const first = inPeriod(0);
      const second = inPeriod(86_400_000);
      const failed = inPeriod(2 * 86_400_000);
      const cancelled = inPeriod(3 * 86_400_000);
      const open = inPeriod(7 * 86_400_000 - 1);
      for (const input of [first, second, failed, cancelled, open]) await store.createRun(input);
      await store.recordStep(sampleStepInput(first, 0));
      await store.recordStep(sampleStepInput(first, 1, { status: "FAILED", output: null, error: { code: "UPSTREAM_FAILED", message: "no" } }));
      await store.recordStep(sampleStepInput(second, 0));
      await store.finishRun(finishInput(organizationId, first.id, { durationMs: 100, metrics: found(2) }));
      await store.finishRun(finishInput(organizationId, second.id, { durationMs: 300, metrics: found(5) }));
      await store.finishRun(finishInput(organizationId, failed.id, { status: "FAILED", error: { code: "HANDLER_FAILED", message: "no" }, durationMs: 200, metrics: [] }));
      await store.finishRun(finishInput(organizationId, cancelled.id, { status: "CANCELLED", durationMs: 50, metrics: [] }));
      // Left out: another agent, another organization, before the period, at its (exclusive) end.
      for (const input of [inPeriod(0, { agentName: "writer" }), sampleRunInput({ agentName: "analyst", createdAt: since }), inPeriod(-1), inPeriod(7 * 86_400_000)]) {
        await store.createRun(input);
        await store.finishRun(finishInput(input.organizationId, input.id, { metrics: found(50) }));
      }
      const summary = await store.summarizeAgentPeriod({ organizationId, agentName: "analyst", since, until });
      expect(summary).toEqual({
        agentName: "analyst",
        since,
        until,
        total: 5,
        byStatus: { QUEUED: 0, RUNNING: 1, WAITING: 0, COMPLETED: 2, FAILED: 1, CANCELLED: 1, TIMED_OUT: 0 },
        successRate: 2 / 3,
        p50DurationMs: 100,
        p95DurationMs: 300,
        metrics: [
          { name: "duration_ms", unit: "ms", count: 2, sum: 200, average: 100 },
          { name: "opportunities", unit: "count", count: 2, sum: 7, average: 3.5 },
        ],
        tools: [{ connector: "slack", action: "postMessage", calls: 3, failed: 1 }],
      });
      const empty = await store.summarizeAgentPeriod({ organizationId, agentName: "nobody", since, until });
      expect(empty).toMatchObject({ total: 0, successRate: null, p50DurationMs: null, p95DurationMs: null, metrics: [], tools: [] });
      expect(Object.values(empty.byStatus).every((count) => count === 0)).toBe(true);
      for (const period of [{ since: until, until: since }, { since, until: new Date(BASE_TIME + 93 * 86_400_000) }]) {
        await expect(store.summarizeAgentPeriod({ organizationId, agentName: "analyst", ...period })).rejects.toSatisfy((error) => isNeonhubError(error, "VALIDATION_FAILED"));
      }
    });

    it("rejects a cursor it did not make with a validation error", async () => {
      await expect(store.listRuns({ organizationId: "org", limit: 10, cursor: "not-a-cursor" })).rejects.toSatisfy((error) => isNeonhubError(error, "VALIDATION_FAILED"));
    });

    it("refuses bounds that are not valid dates, and an unknown status, with a validation error", async () => {
      const organizationId = `org-${randomUUID()}`;
      await store.createRun(sampleRunInput({ organizationId }));
      const invalid = new Date(Number.NaN);
      const text = "2026-01-01" as unknown as Date;
      const valid = { since: new Date(BASE_TIME - 60_000), until: new Date(BASE_TIME + 60_000) };
      const refusals = [
        store.listRuns({ organizationId, limit: 10, createdAfter: invalid }),
        store.listRuns({ organizationId, limit: 10, createdBefore: text }),
        store.listRuns({ organizationId, limit: 10, status: "DONE" as never }),
        store.summarizeRuns({ organizationId, ...valid, since: text }),
        store.summarizeAgentPeriod({ organizationId, agentName: "analyst", ...valid, until: text }),
      ];
      for (const refusal of refusals) await expect(refusal).rejects.toSatisfy((error) => isNeonhubError(error, "VALIDATION_FAILED"));
    });

    it("records tool executions with their journal steps, in order, and finishes them", async () => {
      const input = sampleRunInput();
      await store.createRun(input);
      const first = sampleStepInput(input, 0, { status: "STARTED", output: null, completedAt: null });
      const second = sampleStepInput(input, 1, { status: "STARTED", output: null, completedAt: null });
      for (const write of [first, second]) await store.recordStep(write);
      const started = await store.listToolExecutions(input.organizationId, input.id);
      expect(started.map((tool) => [tool.id, tool.status, tool.stepKey])).toEqual([
        [first.toolExecution?.id, "RUNNING", "slack.postMessage#0"],
        [second.toolExecution?.id, "RUNNING", "slack.postMessage#1"],
      ]);
      await store.recordStep(sampleStepInput(input, 0, {}, { toolExecution: { id: first.toolExecution?.id as string, output: { ts: "1.2" }, durationMs: 5 } }));
      await store.recordStep(
        sampleStepInput(input, 1, { status: "FAILED", output: null, error: { code: "RATE_LIMITED", message: "slow down" } }, { toolExecution: { id: second.toolExecution?.id as string } }),
      );
      const tools = await store.listToolExecutions(input.organizationId, input.id);
      expect(tools.map((tool) => [tool.id, tool.status, tool.connector, tool.action])).toEqual([
        [first.toolExecution?.id, "SUCCEEDED", "slack", "postMessage"],
        [second.toolExecution?.id, "FAILED", "slack", "postMessage"],
      ]);
      expect(tools[0]).toMatchObject({ output: { ts: "1.2" }, durationMs: 5, runId: input.id });
      expect(tools[1]).toMatchObject({ error: { code: "RATE_LIMITED", message: "slow down" }, input: { channel: "#general", position: 1 } });
      expect(await store.listToolExecutions("another-org", input.id)).toEqual([]);
    });

    it("replays journaled outputs as written, in position order, and hides them from other organizations", async () => {
      const input = sampleRunInput();
      await store.createRun(input);
      const writes = [2, 0, 1].map((position) => sampleStepInput(input, position, { kind: position === 1 ? "STEP" : "TOOL", key: position === 1 ? "draft" : `slack.postMessage#${position}` }, { toolExecution: position === 1 ? null : {} }));
      for (const write of writes) await store.recordStep(write);
      const steps = await store.listSteps(input.organizationId, input.id);
      expect(steps.map((step) => [step.position, step.key, step.kind, step.status])).toEqual([
        [0, "slack.postMessage#0", "TOOL", "SUCCEEDED"],
        [1, "draft", "STEP", "SUCCEEDED"],
        [2, "slack.postMessage#2", "TOOL", "SUCCEEDED"],
      ]);
      expect(steps[1]).toMatchObject({ runId: input.id, output: { ts: "1.0001", at: "2026-06-01T12:00:00.000Z", nested: { list: [1, 2, { deep: true }] } }, attempts: 1, error: null });
      expect(steps[1]?.startedAt.getTime()).toBe(BASE_TIME + 10);
      expect(steps[1]?.completedAt?.getTime()).toBe(BASE_TIME + 15);
      // Tool executions are listed in the order they started, whatever the order of the writes.
      expect((await store.listToolExecutions(input.organizationId, input.id)).map((tool) => tool.stepKey)).toEqual(["slack.postMessage#0", "slack.postMessage#2"]);
      expect(await store.listSteps("another-org", input.id)).toEqual([]);
      await expect(store.recordStep({ ...sampleStepInput(input, 3), organizationId: "another-org" })).rejects.toSatisfy((error) => isNeonhubError(error, "RUN_NOT_FOUND"));
    });

    it("reads a journaled output back in its JSON form, a new value on every read", async () => {
      const input = sampleRunInput();
      await store.createRun(input);
      class Draft {
        constructor(readonly text: string) {}
      }
      const output = { at: new Date(BASE_TIME), gone: undefined, list: [1, undefined], draft: new Draft("hi") };
      await store.recordStep(sampleStepInput(input, 0, { kind: "STEP", key: "draft", output }, { toolExecution: null }));
      await store.recordStep(sampleStepInput(input, 1, { kind: "STEP", key: "nothing", output: undefined }, { toolExecution: null }));
      output.list.push(2);
      const [first, second] = await store.listSteps(input.organizationId, input.id);
      // What a replay gets from a database's JSON column, so that a handler tested on one store behaves alike on all.
      expect(first?.output).toStrictEqual({ at: new Date(BASE_TIME).toISOString(), list: [1, null], draft: { text: "hi" } });
      expect(second?.output).toBeNull();
      (first?.output as { list: unknown[] }).list.push(3);
      expect((await store.listSteps(input.organizationId, input.id))[0]?.output).toMatchObject({ list: [1, null] });
    });

    it("reads a run's input and output and a signal's payload back in their JSON form", async () => {
      class Draft {
        constructor(readonly text: string) {}
      }
      const at = new Date(BASE_TIME);
      const input = sampleRunInput({ input: { at, gone: undefined, draft: new Draft("in") } });
      const { run } = await store.createRun(input);
      const inputRead = { at: at.toISOString(), draft: { text: "in" } };
      expect(run.input).toStrictEqual(inputRead);
      await store.sendSignal({ organizationId: input.organizationId, runId: input.id, name: "approval", payload: { at, list: [undefined] }, sentBy: null, sentAt: at });
      expect((await store.getSignal(input.organizationId, input.id, "approval"))?.payload).toStrictEqual({ at: at.toISOString(), list: [null] });
      const finished = await store.finishRun(finishInput(input.organizationId, input.id, { output: { at, draft: new Draft("out") } }));
      for (const read of [finished, await store.getRun(input.organizationId, input.id)]) {
        expect(read?.input).toStrictEqual(inputRead);
        expect(read?.output).toStrictEqual({ at: at.toISOString(), draft: { text: "out" } });
      }
    });

    it("keeps a run's input, output and error and a signal as written, whatever is done to the values handed in or read back", async () => {
      const input = sampleRunInput({ input: { tags: ["a"] } });
      const { run: created } = await store.createRun(input);
      (input.input as { tags: string[] }).tags.push("handed in");
      (created.input as { tags: string[] }).tags.push("created");
      (await store.getRun(input.organizationId, input.id))?.createdAt.setTime(0);
      const signal = { organizationId: input.organizationId, runId: input.id, name: "approval", payload: { notes: ["ok"] }, sentBy: "u", sentAt: new Date(BASE_TIME) };
      await store.sendSignal(signal);
      signal.payload.notes.push("handed in");
      signal.sentAt.setTime(0);
      const signalRead = await store.getSignal(input.organizationId, input.id, "approval");
      (signalRead?.payload as { notes: string[] }).notes.push("read");
      signalRead?.sentAt.setTime(0);
      const finish = finishInput(input.organizationId, input.id, { output: { list: [1] } });
      const finished = await store.finishRun(finish);
      (finish.output as { list: number[] }).list.push(2);
      (finished.output as { list: number[] }).list.push(3);
      const [listed] = (await store.listRuns({ organizationId: input.organizationId, limit: 1 })).runs;
      (listed?.input as { tags: string[] }).tags.push("listed");
      (listed?.output as { list: number[] }).list.push(4);
      const read = await store.getRun(input.organizationId, input.id);
      expect(read).toMatchObject({ input: { tags: ["a"] }, output: { list: [1] } });
      expect(read?.createdAt.getTime()).toBe(BASE_TIME);
      expect(await store.getSignal(input.organizationId, input.id, "approval")).toMatchObject({ payload: { notes: ["ok"] }, sentAt: new Date(BASE_TIME) });

      const failing = sampleRunInput();
      await store.createRun(failing);
      const failure = finishInput(failing.organizationId, failing.id, { status: "FAILED", statusReason: "failed", output: null, error: { code: "TOOL_FAILED", message: "down" } });
      const failed = await store.finishRun(failure);
      failure.error!.message = "handed in";
      failed.error!.message = "read";
      expect((await store.getRun(failing.organizationId, failing.id))?.error).toEqual({ code: "TOOL_FAILED", message: "down" });
    });

    it("keeps a step's error and a tool execution as written, whatever is done to the values handed in or read back", async () => {
      const input = sampleRunInput();
      await store.createRun(input);
      const at = new Date(BASE_TIME);
      const write = sampleStepInput(input, 0, { status: "FAILED", error: { code: "RATE_LIMITED", message: "slow down" } }, { toolExecution: { input: { list: [1] }, output: { at }, startedAt: new Date(BASE_TIME) } });
      await store.recordStep(write);
      write.step.error!.message = "handed in";
      (write.toolExecution?.input as { list: number[] }).list.push(2);
      write.toolExecution?.startedAt.setTime(0);
      const [step] = await store.listSteps(input.organizationId, input.id);
      step!.error!.message = "read";
      const [tool] = await store.listToolExecutions(input.organizationId, input.id);
      (tool?.input as { list: number[] }).list.push(3);
      tool!.error!.message = "read";
      tool?.startedAt.setTime(0);
      expect((await store.listSteps(input.organizationId, input.id))[0]?.error).toEqual({ code: "RATE_LIMITED", message: "slow down" });
      const [again] = await store.listToolExecutions(input.organizationId, input.id);
      expect(again).toMatchObject({ input: { list: [1] }, output: { at: at.toISOString() }, error: { code: "RATE_LIMITED", message: "slow down" } });
      expect(again?.startedAt.getTime()).toBe(BASE_TIME);
    });

    it("refuses a value JSON cannot hold (a bigint, a cycle) with a validation error, and writes nothing", async () => {
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      const isRefused = (error: unknown) => isNeonhubError(error, "VALIDATION_FAILED") && !error.isRetryable;
      for (const value of [{ total: 10n }, cycle, 10n]) {
        const refused = sampleRunInput({ input: value });
        await expect(store.createRun(refused)).rejects.toSatisfy(isRefused);
        expect(await store.getRun(refused.organizationId, refused.id)).toBeNull();
        const input = sampleRunInput();
        await store.createRun(input);
        await expect(store.recordStep(sampleStepInput(input, 0, { kind: "STEP", key: "count", output: value }, { toolExecution: null }))).rejects.toSatisfy(isRefused);
        const signal = { organizationId: input.organizationId, runId: input.id, name: "approval", payload: value, sentBy: null, sentAt: new Date(BASE_TIME) };
        await expect(store.sendSignal(signal)).rejects.toSatisfy(isRefused);
        await expect(store.finishRun(finishInput(input.organizationId, input.id, { output: value }))).rejects.toSatisfy(isRefused);
        expect(await store.listSteps(input.organizationId, input.id)).toEqual([]);
        expect(await store.getSignal(input.organizationId, input.id, "approval")).toBeNull();
        expect(await store.getRun(input.organizationId, input.id)).toMatchObject({ status: "RUNNING", output: null });
      }
    });

    it("keeps a value JSON writes as nothing (undefined, a function, a symbol) as JSON null, in every value it keeps", async () => {
      for (const value of [undefined, () => "draft", Symbol("draft")]) {
        const input = sampleRunInput({ input: value });
        expect((await store.createRun(input)).run.input).toBeNull();
        const { organizationId, id: runId } = input;
        expect((await store.getRun(organizationId, runId))?.input).toBeNull();
        await store.recordStep(sampleStepInput(input, 0, { kind: "STEP", key: "draft", output: value }, { toolExecution: null }));
        expect((await store.listSteps(organizationId, runId))[0]?.output).toBeNull();
        await store.sendSignal({ organizationId, runId, name: "approval", payload: value, sentBy: null, sentAt: new Date(BASE_TIME) });
        expect((await store.getSignal(organizationId, runId, "approval"))?.payload).toBeNull();
        expect((await store.finishRun(finishInput(organizationId, runId, { output: value }))).output).toBeNull();
        expect((await store.getRun(organizationId, runId))?.output).toBeNull();
      }
    });

    it("refuses a finish reporting a metric that is not a finite number, with a validation error, and writes nothing", async () => {
      const input = sampleRunInput();
      await store.createRun(input);
      for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        const metrics = [{ name: "duration_ms", value: 5, unit: "ms" }, { name: "click_rate", value, unit: "ratio" }];
        const refused = await store.finishRun(finishInput(input.organizationId, input.id, { metrics })).catch((error: unknown) => error);
        expect(isNeonhubError(refused, "VALIDATION_FAILED") && !refused.isRetryable).toBe(true);
        // Named as ctx.reportMetric names it (checkReportedMetric), on every store.
        expect(refused).toMatchObject({ details: { fieldErrors: [{ path: "value", message: "Must be a finite number" }] } });
      }
      expect(await store.getRun(input.organizationId, input.id)).toMatchObject({ status: "RUNNING", completedAt: null });
      expect(await store.listRunMetrics(input.organizationId, input.id)).toEqual([]);
    });

    it("keeps a value that is NaN, Infinity or -Infinity as JSON null, as PostgreSQL does, in every value it keeps", async () => {
      const input = sampleRunInput({ input: Number.NaN });
      const { run } = await store.createRun(input);
      const { organizationId, id: runId } = input;
      expect(run.input).toBeNull();
      await store.recordStep(sampleStepInput(input, 0, { kind: "STEP", key: "ratio", output: Number.POSITIVE_INFINITY }, { toolExecution: null }));
      const toolStep = sampleStepInput(input, 1, {}, { toolExecution: { input: Number.NEGATIVE_INFINITY, output: Number.NaN } });
      await store.recordStep(toolStep);
      await store.sendSignal({ organizationId, runId, name: "approval", payload: Number.NaN, sentBy: null, sentAt: new Date(BASE_TIME) });
      const finished = await store.finishRun(finishInput(organizationId, runId, { output: Number.NEGATIVE_INFINITY }));
      expect(finished.output).toBeNull();
      expect(await store.getRun(organizationId, runId)).toMatchObject({ input: null, output: null });
      expect((await store.listSteps(organizationId, runId)).map((step) => step.output)).toEqual([null, toolStep.step.output]);
      expect((await store.listToolExecutions(organizationId, runId)).map((tool) => [tool.input, tool.output])).toEqual([[null, null]]);
      expect((await store.getSignal(organizationId, runId, "approval"))?.payload).toBeNull();
      // Inside an object or array, JSON holds them as null too.
      const nested = sampleRunInput({ input: { ratio: Number.NaN, list: [Number.POSITIVE_INFINITY, 1] } });
      expect((await store.createRun(nested)).run.input).toEqual({ ratio: null, list: [null, 1] });
    });

    it("refuses a run, a start or a finish with a NUL character in any text, as PostgreSQL does, and writes nothing", async () => {
      const isRefused = (error: unknown) => isNeonhubError(error, "VALIDATION_FAILED") && !error.isRetryable;
      const nul = "a\u0000b";
      const lease = { owner: "executor-1", expiresAt: new Date(BASE_TIME + 30_000) };
      const creates: Array<Partial<CreateRunInput>> = [
        { input: { text: nul } },
        { input: { list: [1, { [nul]: true }] } },
        { input: nul },
        { intent: nul },
        { userId: nul },
        { agentName: nul },
        { idempotencyKey: nul },
        { traceId: nul },
        { lease: { ...lease, owner: nul } },
      ];
      for (const overrides of creates) {
        const refused = sampleRunInput(overrides);
        await expect(store.createRun(refused)).rejects.toSatisfy(isRefused);
        expect(await store.getRun(refused.organizationId, refused.id)).toBeNull();
      }

      const queued = sampleRunInput({ status: "QUEUED", startedAt: null });
      await store.createRun(queued);
      const start = { organizationId: queued.organizationId, runId: queued.id, agentVersion: "1.0.0", startedAt: new Date(BASE_TIME), traceId: null, lease };
      for (const overrides of [{ traceId: nul }, { agentVersion: nul }, { lease: { ...lease, owner: nul } }]) {
        await expect(store.startRun({ ...start, ...overrides })).rejects.toSatisfy(isRefused);
      }
      expect(await store.getRun(queued.organizationId, queued.id)).toMatchObject({ status: "QUEUED", agentVersion: "1.0.0", traceId: null, fence: 0, leaseOwner: null });

      const input = sampleRunInput();
      await store.createRun(input);
      const finishes: Array<Partial<FinishRunInput>> = [
        { output: { text: nul } },
        { output: nul },
        { statusReason: nul },
        { status: "FAILED", output: null, error: { code: "HANDLER_FAILED", message: nul } },
        { metrics: [{ name: nul, value: 1, unit: "count" }] },
      ];
      for (const overrides of finishes) await expect(store.finishRun(finishInput(input.organizationId, input.id, overrides))).rejects.toSatisfy(isRefused);
      expect(await store.getRun(input.organizationId, input.id)).toMatchObject({ status: "RUNNING", output: null, error: null, completedAt: null });
      expect(await store.listRunMetrics(input.organizationId, input.id)).toEqual([]);

      // A text that spells the escape out (a backslash, then "u0000") holds no NUL, and is kept as written.
      const spelled = sampleRunInput({ input: { path: "C:\\u0000", "\\u0000": ["\\\\u0000"] }, intent: "\\u0000" });
      expect((await store.createRun(spelled)).run).toMatchObject({ input: spelled.input, intent: "\\u0000" });
      expect((await store.getRun(spelled.organizationId, spelled.id))?.input).toEqual(spelled.input);
    });

    it("refuses a run or a finish whose JSON values hold an unpaired surrogate, as PostgreSQL does, and keeps paired ones", async () => {
      const isRefused = (error: unknown) => isNeonhubError(error, "VALIDATION_FAILED") && !error.isRetryable;
      for (const lone of ["a\uD800b", "\uDC00", "x\uDBFF"]) {
        for (const overrides of [{ input: { text: lone } }, { input: [{ [lone]: 1 }] }, { input: lone }] as Array<Partial<CreateRunInput>>) {
          const refused = sampleRunInput(overrides);
          await expect(store.createRun(refused)).rejects.toSatisfy(isRefused);
          expect(await store.getRun(refused.organizationId, refused.id)).toBeNull();
        }
      }
      const input = sampleRunInput();
      await store.createRun(input);
      for (const output of [{ text: "\uD83D" }, "\uDE00"]) await expect(store.finishRun(finishInput(input.organizationId, input.id, { output }))).rejects.toSatisfy(isRefused);
      expect(await store.getRun(input.organizationId, input.id)).toMatchObject({ status: "RUNNING", output: null });
      // A pair is one character (here an emoji), and a text that spells an escape out holds no surrogate.
      const kept = sampleRunInput({ input: { text: "\uD83D\uDE00", spelled: "\\uD800" } });
      expect((await store.createRun(kept)).run.input).toEqual({ text: "\u{1F600}", spelled: "\\uD800" });
    });

    it("refuses a journal write, a signal, a wait or a lease with a NUL character in any text, as PostgreSQL does, and writes nothing", async () => {
      const isRefused = (error: unknown) => isNeonhubError(error, "VALIDATION_FAILED") && !error.isRetryable;
      const nul = "a\u0000b";
      const input = sampleRunInput({ agentName: `nul-${randomUUID()}` });
      await store.createRun(input);
      const { organizationId, id: runId } = input;
      const failed = { status: "FAILED" as const, output: null, error: { code: "HANDLER_FAILED", message: "no" } };
      const writes = [
        sampleStepInput(input, 0, { kind: "STEP", key: "draft", output: { text: nul } }, { toolExecution: null }),
        sampleStepInput(input, 0, { kind: "STEP", key: "draft", output: nul }, { toolExecution: null }),
        sampleStepInput(input, 0, { key: nul }),
        sampleStepInput(input, 0, { ...failed, error: { code: "HANDLER_FAILED", message: nul } }, { toolExecution: null }),
        sampleStepInput(input, 0, {}, { toolExecution: { input: { text: nul } } }),
        sampleStepInput(input, 0, {}, { toolExecution: { output: nul } }),
        sampleStepInput(input, 0, {}, { toolExecution: { connector: nul } }),
        sampleStepInput(input, 0, failed, { toolExecution: { error: { code: nul, message: "no" } } }),
      ];
      for (const write of writes) await expect(store.recordStep(write)).rejects.toSatisfy(isRefused);
      expect(await store.listSteps(organizationId, runId)).toEqual([]);
      expect(await store.listToolExecutions(organizationId, runId)).toEqual([]);

      const signal = { organizationId, runId, name: "approval", payload: { approved: true } as unknown, sentBy: "user-1" as string | null, sentAt: new Date(BASE_TIME) };
      for (const overrides of [{ payload: { note: nul } }, { payload: nul }, { name: nul }, { sentBy: nul }]) {
        await expect(store.sendSignal({ ...signal, ...overrides })).rejects.toSatisfy(isRefused);
      }
      expect(await store.getSignal(organizationId, runId, "approval")).toBeNull();

      const wait = { organizationId, runId, fence: 1, wakeAt: new Date(BASE_TIME + 60_000), signalNames: [nul], now: new Date(BASE_TIME) };
      await expect(store.suspendRun(wait)).rejects.toSatisfy(isRefused);
      const claim = { owner: nul, now: new Date(BASE_TIME + 60_000), leaseExpiresAt: new Date(BASE_TIME + 90_000), agentNames: [input.agentName], limit: 10 };
      await expect(store.claimRuns(claim)).rejects.toSatisfy(isRefused);
      await expect(store.renewLeases({ owner: nul, runs: [{ runId, fence: 1 }], expiresAt: new Date(BASE_TIME + 60_000) })).rejects.toSatisfy(isRefused);
      const read = await store.getRun(organizationId, runId);
      expect(read).toMatchObject({ status: "RUNNING", fence: 1, leaseOwner: "executor-1", wakeAt: null });
      expect(read?.leaseExpiresAt?.getTime()).toBe(BASE_TIME + 30_000);
    });

    it("refuses a write with an unpaired surrogate in any text it keeps or compares, and writes nothing, rather than keeping it changed", async () => {
      const isRefused = (error: unknown) => isNeonhubError(error, "VALIDATION_FAILED") && !error.isRetryable;
      const lone = "a\uD800b";
      const lease = { owner: "executor-1", expiresAt: new Date(BASE_TIME + 30_000) };
      const creates: Array<[string, Partial<CreateRunInput>]> = [
        ["intent", { intent: lone }],
        ["userId", { userId: lone }],
        ["agentName", { agentName: lone }],
        ["idempotencyKey", { idempotencyKey: lone }],
        ["traceId", { traceId: lone }],
        ["lease.owner", { lease: { ...lease, owner: lone } }],
      ];
      const outcome = (call: () => Promise<unknown>) => call().then(() => "kept", (error: unknown) => (isRefused(error) ? "refused" : String(error)));
      const answers: Array<[string, string]> = [];
      for (const [name, overrides] of creates) answers.push([`createRun ${name}`, await outcome(() => store.createRun(sampleRunInput(overrides)))]);
      const input = sampleRunInput({ agentName: `lone-${randomUUID()}` });
      await store.createRun(input);
      const { organizationId, id: runId } = input;
      const finishes: Array<[string, Partial<FinishRunInput>]> = [
        ["statusReason", { statusReason: lone }],
        ["error.message", { status: "FAILED", output: null, error: { code: "HANDLER_FAILED", message: lone } }],
        ["metric name", { metrics: [{ name: lone, value: 1, unit: "count" }] }],
      ];
      for (const [name, overrides] of finishes) answers.push([`finishRun ${name}`, await outcome(() => store.finishRun(finishInput(organizationId, runId, overrides)))]);
      const failed = { status: "FAILED" as const, output: null, error: { code: "HANDLER_FAILED", message: "no" } };
      const steps: Array<[string, RecordStepInput]> = [
        ["step key", sampleStepInput(input, 0, { key: lone })],
        ["step error", sampleStepInput(input, 0, { ...failed, error: { code: "HANDLER_FAILED", message: lone } }, { toolExecution: null })],
        ["tool connector", sampleStepInput(input, 0, {}, { toolExecution: { connector: lone } })],
      ];
      for (const [name, write] of steps) answers.push([`recordStep ${name}`, await outcome(() => store.recordStep(write))]);
      const signal = { organizationId, runId, name: "approval", payload: { approved: true } as unknown, sentBy: "user-1" as string | null, sentAt: new Date(BASE_TIME) };
      for (const [name, overrides] of [["name", { name: lone }], ["sentBy", { sentBy: lone }], ["runId", { runId: lone }]] as const) {
        answers.push([`sendSignal ${name}`, await outcome(() => store.sendSignal({ ...signal, ...overrides }))]);
      }
      // Texts a write compares with stored ones are refused too: PostgreSQL would compare them changed.
      answers.push(["recordStep timedOutSignal", await outcome(() => store.recordStep({ ...sampleStepInput(input, 0, { kind: "SIGNAL", key: "approval" }, { toolExecution: null }), timedOutSignal: lone }))]);
      answers.push(["recordAttempt runId", await outcome(() => store.recordAttempt(organizationId, lone, 2))]);
      const later = new Date(BASE_TIME + 60_000);
      answers.push(["renewLeases owner", await outcome(() => store.renewLeases({ owner: lone, runs: [{ runId, fence: 1 }], expiresAt: later }))]);
      answers.push(["renewLeases runId", await outcome(() => store.renewLeases({ owner: "executor-1", runs: [{ runId: lone, fence: 1 }], expiresAt: later }))]);
      answers.push(["suspendRun signalNames", await outcome(() => store.suspendRun({ organizationId, runId, fence: 1, wakeAt: later, signalNames: [lone], now: new Date(BASE_TIME) }))]);
      answers.push(["suspendRun runId", await outcome(() => store.suspendRun({ organizationId, runId: lone, fence: 1, wakeAt: later, signalNames: [], now: new Date(BASE_TIME) }))]);
      const claim = { owner: "executor-2", now: later, leaseExpiresAt: new Date(BASE_TIME + 90_000), agentNames: [input.agentName], limit: 10 };
      answers.push(["claimRuns owner", await outcome(() => store.claimRuns({ ...claim, owner: lone }))]);
      answers.push(["claimRuns agentNames", await outcome(() => store.claimRuns({ ...claim, agentNames: [lone] }))]);
      const queued = sampleRunInput({ status: "QUEUED", startedAt: null });
      await store.createRun(queued);
      const start = { organizationId: queued.organizationId, runId: queued.id, agentVersion: "1.0.0", startedAt: new Date(BASE_TIME), traceId: null, lease };
      for (const [name, overrides] of [["traceId", { traceId: lone }], ["agentVersion", { agentVersion: lone }], ["lease.owner", { lease: { ...lease, owner: lone } }], ["runId", { runId: lone }]] as const) {
        answers.push([`startRun ${name}`, await outcome(() => store.startRun({ ...start, ...overrides }))]);
      }
      expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(answers.map(([name]) => [name, "refused"])));
      expect(await store.getRun(queued.organizationId, queued.id)).toMatchObject({ status: "QUEUED", traceId: null, leaseOwner: null });
      expect(await store.getRun(organizationId, runId)).toMatchObject({ status: "RUNNING", statusReason: null, error: null, attempts: 1, wakeAt: null, leaseOwner: "executor-1" });
      expect(await store.listSteps(organizationId, runId)).toEqual([]);
      expect(await store.getSignal(organizationId, runId, "approval")).toBeNull();
    });

    it("refuses a read given a NUL character or an unpaired surrogate in a text it looks up, rather than answering what matched", async () => {
      // PostgreSQL refuses a query holding NUL, and would compare an unpaired surrogate changed into U+FFFD: a run
      // whose texts hold U+FFFD would match. No kept text holds either, so every store refuses both, naming the field.
      const replaced = "a\uFFFDb";
      const input = sampleRunInput({ agentName: replaced, userId: replaced, intent: replaced, idempotencyKey: replaced });
      await store.createRun(input);
      const { organizationId, id: runId } = input;
      const window = { since: new Date(BASE_TIME - 60_000), until: new Date(BASE_TIME + 60_000) };
      const reads = (text: string): Array<[string, () => Promise<unknown>]> => [
        ["getRun(organizationId)", () => store.getRun(text, runId)],
        ["getRun(runId)", () => store.getRun(organizationId, text)],
        ["findRunByIdempotencyKey(organizationId)", () => store.findRunByIdempotencyKey(text, replaced)],
        ["findRunByIdempotencyKey(idempotencyKey)", () => store.findRunByIdempotencyKey(organizationId, text)],
        ["listRuns(organizationId)", () => store.listRuns({ organizationId: text, limit: 5 })],
        ["listRuns(agentName)", () => store.listRuns({ organizationId, agentName: text, limit: 5 })],
        ["listRuns(userId)", () => store.listRuns({ organizationId, userId: text, limit: 5 })],
        ["listRuns(parentRunId)", () => store.listRuns({ organizationId, parentRunId: text, limit: 5 })],
        ["listRuns(intentContains)", () => store.listRuns({ organizationId, intentContains: text, limit: 5 })],
        ["summarizeRuns(organizationId)", () => store.summarizeRuns({ organizationId: text, ...window })],
        ["summarizeAgentPeriod(organizationId)", () => store.summarizeAgentPeriod({ organizationId: text, agentName: replaced, ...window })],
        ["summarizeAgentPeriod(agentName)", () => store.summarizeAgentPeriod({ organizationId, agentName: text, ...window })],
        ["listToolExecutions(organizationId)", () => store.listToolExecutions(text, runId)],
        ["listToolExecutions(runId)", () => store.listToolExecutions(organizationId, text)],
        ["listRunMetrics(organizationId)", () => store.listRunMetrics(text, runId)],
        ["listRunMetrics(runId)", () => store.listRunMetrics(organizationId, text)],
        ["listSteps(organizationId)", () => store.listSteps(text, runId)],
        ["listSteps(runId)", () => store.listSteps(organizationId, text)],
        ["getSignal(organizationId)", () => store.getSignal(text, runId, "approval")],
        ["getSignal(runId)", () => store.getSignal(organizationId, text, "approval")],
        ["getSignal(name)", () => store.getSignal(organizationId, runId, text)],
        ["listQueuedRuns(after.runId)", () => store.listQueuedRuns({ createdBefore: new Date(BASE_TIME), after: { createdAt: new Date(BASE_TIME - 60_000), runId: text }, limit: 5 })],
      ];
      const answers: Array<[string, string]> = [];
      for (const [kind, text] of HOSTILE_TEXTS) {
        for (const [name, read] of reads(text)) answers.push([`${name} ${kind}`, await callOutcome(read)]);
      }
      expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(answers.map(([name]) => [name, `refused ${refusedField(name)}`])));
      expect(await store.getRun(organizationId, runId)).toMatchObject({ id: runId, status: "RUNNING" });
    });

    it("writes the steps of several runs at once, refusing only the writes not held under their fence", async () => {
      const runs = Array.from({ length: 4 }, () => sampleRunInput());
      for (const run of runs) await store.createRun(run);
      const [tool, step, started, fenced] = runs as [CreateRunInput, CreateRunInput, CreateRunInput, CreateRunInput];
      const writes = [
        sampleStepInput(tool, 0),
        sampleStepInput(step, 0, { kind: "STEP", key: "draft", output: "a line" }, { toolExecution: null }),
        sampleStepInput(started, 0, { status: "STARTED", output: null, completedAt: null }),
        sampleStepInput(fenced, 0, {}, { fence: 7 }),
        sampleStepInput({ id: randomUUID(), organizationId: tool.organizationId }, 0),
      ];
      const settled = await Promise.allSettled(writes.map((write) => store.recordStep(write)));
      expect(settled.slice(0, 3).map((result) => result.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
      expect(settled[3]).toMatchObject({ status: "rejected", reason: { code: "LEASE_LOST" } });
      expect(settled[4]).toMatchObject({ status: "rejected", reason: { code: "RUN_NOT_FOUND" } });
      expect(await store.listSteps(tool.organizationId, tool.id)).toMatchObject([{ position: 0, status: "SUCCEEDED", output: writes[0]?.step.output }]);
      expect(await store.listToolExecutions(tool.organizationId, tool.id)).toMatchObject([{ id: writes[0]?.toolExecution?.id, status: "SUCCEEDED", output: { ts: "[shown]" }, durationMs: 5 }]);
      expect(await store.listSteps(step.organizationId, step.id)).toMatchObject([{ key: "draft", kind: "STEP", output: "a line", error: null }]);
      expect(await store.listToolExecutions(step.organizationId, step.id)).toEqual([]);
      expect(await store.listSteps(started.organizationId, started.id)).toMatchObject([{ status: "STARTED", output: null, completedAt: null }]);
      expect(await store.listToolExecutions(started.organizationId, started.id)).toMatchObject([{ status: "RUNNING", output: null, completedAt: null, durationMs: null }]);
      expect(await store.listSteps(fenced.organizationId, fenced.id)).toEqual([]);
    });

    it("writes a step again at its position: a failed step that runs again, a sleep that ends", async () => {
      const input = sampleRunInput();
      await store.createRun(input);
      await store.recordStep(sampleStepInput(input, 0, { status: "FAILED", output: null, error: { code: "HANDLER_FAILED", message: "503" } }, { toolExecution: null }));
      await store.recordStep(sampleStepInput(input, 0, { attempts: 2, output: { ok: true } }, { toolExecution: null }));
      await store.recordStep(sampleStepInput(input, 1, { kind: "SLEEP", key: "cool-down", status: "STARTED", output: null, completedAt: null, wakeAt: new Date(BASE_TIME + 60_000) }, { toolExecution: null }));
      const steps = await store.listSteps(input.organizationId, input.id);
      expect(steps.map((step) => [step.position, step.status, step.attempts, step.output, step.error])).toEqual([
        [0, "SUCCEEDED", 2, { ok: true }, null],
        [1, "STARTED", 1, null, null],
      ]);
      expect(steps[1]?.wakeAt?.getTime()).toBe(BASE_TIME + 60_000);
    });

    it("refuses journal writes, suspends and finishes from a fenced executor", async () => {
      const input = sampleRunInput({ agentName: `fence-${randomUUID()}`, startedAt: new Date(BASE_TIME - 120_000), lease: { owner: "old", expiresAt: new Date(BASE_TIME - 60_000) } });
      await store.createRun(input);
      const [claimed] = await store.claimRuns({ owner: "new", now: new Date(BASE_TIME), leaseExpiresAt: new Date(BASE_TIME + 30_000), agentNames: [input.agentName], limit: 500 }).then((runs) => runs.filter((run) => run.id === input.id));
      expect(claimed).toMatchObject({ status: "RUNNING", leaseOwner: "new", fence: 2 });
      await expect(store.recordStep(sampleStepInput(input, 0, {}, { fence: 1 }))).rejects.toSatisfy((error) => isNeonhubError(error, "LEASE_LOST"));
      await expect(store.suspendRun({ organizationId: input.organizationId, runId: input.id, fence: 1, wakeAt: new Date(BASE_TIME + 1), signalNames: [], now: new Date(BASE_TIME) })).rejects.toSatisfy((error) =>
        isNeonhubError(error, "LEASE_LOST"),
      );
      await expect(store.finishRun(finishInput(input.organizationId, input.id, { fence: 1 }))).rejects.toSatisfy((error) => isNeonhubError(error, "LEASE_LOST"));
      expect(await store.listSteps(input.organizationId, input.id)).toEqual([]);
      expect(await store.listToolExecutions(input.organizationId, input.id)).toEqual([]);
      await store.recordStep(sampleStepInput(input, 0, {}, { fence: 2 }));
      expect(await store.finishRun(finishInput(input.organizationId, input.id, { fence: 2 }))).toMatchObject({ status: "COMPLETED", leaseOwner: null });
      // A final run takes no more journal writes, whatever the fence.
      await expect(store.recordStep(sampleStepInput(input, 1, {}, { fence: 2 }))).rejects.toSatisfy((error) => isNeonhubError(error, "LEASE_LOST"));
    });

    it("leaves exactly one owner when executors race for one lapsed lease", async () => {
      const agentName = `race-${randomUUID()}`;
      const input = sampleRunInput({ agentName, lease: { owner: "dead", expiresAt: new Date(BASE_TIME - 1) } });
      await store.createRun(input);
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, index) => store.claimRuns({ owner: `executor-${index}`, now: new Date(BASE_TIME), leaseExpiresAt: new Date(BASE_TIME + 30_000), agentNames: [agentName], limit: 10 })),
      );
      const winners = claims.flatMap((runs, index) => runs.map((run) => ({ index, run })));
      expect(winners).toHaveLength(1);
      const winner = winners[0]!;
      expect(winner.run).toMatchObject({ id: input.id, leaseOwner: `executor-${winner.index}`, fence: 2, status: "RUNNING", takenOver: true, takeovers: 1 });
      expect(await store.getRun(input.organizationId, input.id)).toMatchObject({ leaseOwner: `executor-${winner.index}`, fence: 2 });
      // Held and unexpired now: nobody else takes it.
      expect(await store.claimRuns({ owner: "late", now: new Date(BASE_TIME + 1_000), leaseExpiresAt: new Date(BASE_TIME + 31_000), agentNames: [agentName], limit: 10 })).toEqual([]);
    });

    it("renews only the leases an executor still holds, and claims only lapsed leases of its agents", async () => {
      const agentName = `renew-${randomUUID()}`;
      const held = sampleRunInput({ agentName, lease: { owner: "me", expiresAt: new Date(BASE_TIME + 1_000) } });
      const other = sampleRunInput({ agentName, lease: { owner: "someone-else", expiresAt: new Date(BASE_TIME + 1_000) } });
      const foreignAgent = sampleRunInput({ agentName: `${agentName}-other`, lease: { owner: "dead", expiresAt: new Date(BASE_TIME - 1) } });
      for (const run of [held, other, foreignAgent]) await store.createRun(run);
      const runs = [held.id, other.id, randomUUID()].map((runId) => ({ runId, fence: 1 }));
      expect(await store.renewLeases({ owner: "me", runs, expiresAt: new Date(BASE_TIME + 40_000) })).toEqual([held.id]);
      const claimed = await store.claimRuns({ owner: "sweeper", now: new Date(BASE_TIME + 20_000), leaseExpiresAt: new Date(BASE_TIME + 50_000), agentNames: [agentName], limit: 10 });
      expect(claimed.map((run) => run.id)).toEqual([other.id]);
      expect((await store.getRun(held.organizationId, held.id))?.leaseExpiresAt?.getTime()).toBe(BASE_TIME + 40_000);
      expect((await store.getRun(foreignAgent.organizationId, foreignAgent.id))?.leaseOwner).toBe("dead");
    });

    it("renews a lease only under the fence its execution holds, even when the same owner claimed the run again", async () => {
      const agentName = `refence-${randomUUID()}`;
      const run = sampleRunInput({ agentName, lease: { owner: "me", expiresAt: new Date(BASE_TIME - 1) } });
      await store.createRun(run);
      const [claimed] = await store.claimRuns({ owner: "me", now: new Date(BASE_TIME), leaseExpiresAt: new Date(BASE_TIME + 30_000), agentNames: [agentName], limit: 10 });
      expect(claimed?.fence).toBe(2);
      expect(await store.renewLeases({ owner: "me", runs: [{ runId: run.id, fence: 1 }], expiresAt: new Date(BASE_TIME + 60_000) })).toEqual([]);
      expect((await store.getRun(run.organizationId, run.id))?.leaseExpiresAt?.getTime()).toBe(BASE_TIME + 30_000);
      expect(await store.renewLeases({ owner: "me", runs: [{ runId: run.id, fence: 2 }], expiresAt: new Date(BASE_TIME + 60_000) })).toEqual([run.id]);
      expect((await store.getRun(run.organizationId, run.id))?.leaseExpiresAt?.getTime()).toBe(BASE_TIME + 60_000);
      // A lease renewed to end now is given up: the next claim takes the run.
      expect(await store.renewLeases({ owner: "me", runs: [{ runId: run.id, fence: 2 }], expiresAt: new Date(BASE_TIME) })).toEqual([run.id]);
      const [next] = await store.claimRuns({ owner: "other", now: new Date(BASE_TIME + 1), leaseExpiresAt: new Date(BASE_TIME + 30_001), agentNames: [agentName], limit: 10 });
      expect(next).toMatchObject({ id: run.id, leaseOwner: "other", fence: 3 });
    });

    it("counts and reports a takeover of a lapsed lease, not a wake-up, a start or a run given up", async () => {
      const agentName = `takeovers-${randomUUID()}`;
      const run = sampleRunInput({ agentName, lease: { owner: "dead", expiresAt: new Date(BASE_TIME - 1) } });
      await store.createRun(run);
      expect(await store.getRun(run.organizationId, run.id)).toMatchObject({ takeovers: 0 });
      const claim = async (owner: string, at: number) => {
        const claimed = await store.claimRuns({ owner, now: new Date(at), leaseExpiresAt: new Date(at + 30_000), agentNames: [agentName], limit: 10 });
        return claimed.find((candidate) => candidate.id === run.id);
      };
      expect(await claim("first", BASE_TIME)).toMatchObject({ takeovers: 1, fence: 2, takenOver: true });
      // Lapsed again under its new owner: a second takeover.
      expect(await claim("second", BASE_TIME + 30_001)).toMatchObject({ takeovers: 2, fence: 3, takenOver: true });
      // Given up by an executor shutting down: taken at once, and not counted.
      expect(await store.renewLeases({ owner: "second", runs: [{ runId: run.id, fence: 3 }], expiresAt: new Date(BASE_TIME + 30_002), giveUp: true })).toEqual([run.id]);
      expect(await store.getRun(run.organizationId, run.id)).toMatchObject({ status: "RUNNING", leaseOwner: null, takeovers: 2 });
      expect(await claim("third", BASE_TIME + 30_003)).toMatchObject({ leaseOwner: "third", takeovers: 2, fence: 4, takenOver: false });
      // Parked and woken when due: not counted either.
      await store.suspendRun({ organizationId: run.organizationId, runId: run.id, fence: 4, wakeAt: new Date(BASE_TIME + 40_000), signalNames: [], now: new Date(BASE_TIME + 30_004) });
      expect(await claim("fourth", BASE_TIME + 40_000)).toMatchObject({ leaseOwner: "fourth", takeovers: 2, fence: 5, takenOver: false });
      // A queued run is started by its queue, not claimed, and that start is not counted.
      const queued = sampleRunInput({ agentName, status: "QUEUED", startedAt: null, lease: null });
      await store.createRun(queued);
      expect(await store.claimRuns({ owner: "fifth", now: new Date(BASE_TIME + 40_001), leaseExpiresAt: new Date(BASE_TIME + 70_001), agentNames: [agentName], limit: 10 })).toEqual([]);
      const started = await store.startRun({ organizationId: queued.organizationId, runId: queued.id, agentVersion: queued.agentVersion, startedAt: new Date(BASE_TIME), traceId: null, lease: { owner: "worker", expiresAt: new Date(BASE_TIME + 30_000) } });
      expect(started).toMatchObject({ status: "RUNNING", takeovers: 0 });
    });

    it("reports, in one claim of several runs, which of them it took over", async () => {
      const agentName = `claim-mix-${randomUUID()}`;
      const lapsed = sampleRunInput({ agentName, lease: { owner: "dead", expiresAt: new Date(BASE_TIME - 1) } });
      const givenUp = sampleRunInput({ agentName, lease: { owner: "leaving", expiresAt: new Date(BASE_TIME + 30_000) } });
      const waiting = sampleRunInput({ agentName });
      const queued = sampleRunInput({ agentName, status: "QUEUED", startedAt: null, lease: null });
      for (const input of [lapsed, givenUp, waiting, queued]) await store.createRun(input);
      expect(await store.renewLeases({ owner: "leaving", runs: [{ runId: givenUp.id, fence: 1 }], expiresAt: new Date(BASE_TIME - 1), giveUp: true })).toEqual([givenUp.id]);
      await store.suspendRun({ organizationId: waiting.organizationId, runId: waiting.id, fence: 1, wakeAt: new Date(BASE_TIME - 1), signalNames: [], now: new Date(BASE_TIME - 10) });
      const claimed = await store.claimRuns({ owner: "sweeper", now: new Date(BASE_TIME), leaseExpiresAt: new Date(BASE_TIME + 30_000), agentNames: [agentName], limit: 10 });
      expect(Object.fromEntries(claimed.map((run) => [run.id, { takenOver: run.takenOver, takeovers: run.takeovers }]))).toEqual({
        [lapsed.id]: { takenOver: true, takeovers: 1 },
        [givenUp.id]: { takenOver: false, takeovers: 0 },
        [waiting.id]: { takenOver: false, takeovers: 0 },
      });
    });

    it("parks a run as waiting and claims it once it is due", async () => {
      const agentName = `wait-${randomUUID()}`;
      const input = sampleRunInput({ agentName });
      await store.createRun(input);
      const waiting = await store.suspendRun({ organizationId: input.organizationId, runId: input.id, fence: 1, wakeAt: new Date(BASE_TIME + 60_000), signalNames: [], now: new Date(BASE_TIME) });
      expect(waiting).toMatchObject({ status: "WAITING", leaseOwner: null });
      expect(waiting.wakeAt?.getTime()).toBe(BASE_TIME + 60_000);
      const claim = (at: number) => store.claimRuns({ owner: "sweeper", now: new Date(at), leaseExpiresAt: new Date(at + 30_000), agentNames: [agentName], limit: 10 });
      expect(await claim(BASE_TIME + 59_999)).toEqual([]);
      const [resumed] = await claim(BASE_TIME + 60_000);
      expect(resumed).toMatchObject({ id: input.id, status: "RUNNING", leaseOwner: "sweeper", fence: 2, wakeAt: null });
    });

    it("keeps the caller's timeoutMs through every read: start, wait, takeover, list and finish", async () => {
      const organizationId = `org-${randomUUID()}`;
      const agentName = `timeout-${randomUUID()}`;
      const queued = sampleRunInput({ organizationId, agentName, status: "QUEUED", startedAt: null, timeoutMs: 1_000 });
      const running = sampleRunInput({ organizationId, agentName, timeoutMs: 86_400_000, lease: { owner: "dead", expiresAt: new Date(BASE_TIME - 1) } });
      const unbounded = sampleRunInput({ organizationId, agentName: `${agentName}-default` });
      expect((await store.createRun(queued)).run.timeoutMs).toBe(1_000);
      expect((await store.createRun(running)).run.timeoutMs).toBe(86_400_000);
      expect((await store.createRun(unbounded)).run.timeoutMs).toBeNull();
      expect((await store.createRun({ ...queued, id: randomUUID(), idempotencyKey: null, timeoutMs: null })).run.timeoutMs).toBeNull();
      const lease = { owner: "worker-1", expiresAt: new Date(BASE_TIME + 30_000) };
      const started = await store.startRun({ organizationId, runId: queued.id, agentVersion: "1.0.0", startedAt: new Date(BASE_TIME), traceId: null, lease });
      expect(started?.timeoutMs).toBe(1_000);
      const waiting = await store.suspendRun({ organizationId, runId: queued.id, fence: 1, wakeAt: new Date(BASE_TIME + 60_000), signalNames: [], now: new Date(BASE_TIME) });
      expect(waiting.timeoutMs).toBe(1_000);
      const claimed = await store.claimRuns({ owner: "sweeper", now: new Date(BASE_TIME + 60_000), leaseExpiresAt: new Date(BASE_TIME + 90_000), agentNames: [agentName], limit: 10 });
      expect(Object.fromEntries(claimed.map((run) => [run.id, run.timeoutMs]))).toEqual({ [queued.id]: 1_000, [running.id]: 86_400_000 });
      const finished = await store.finishRun(finishInput(organizationId, queued.id, { fence: 2 }));
      expect(finished.timeoutMs).toBe(1_000);
      expect((await store.getRun(organizationId, running.id))?.timeoutMs).toBe(86_400_000);
      const listed = await store.listRuns({ organizationId, limit: 10 });
      expect(Object.fromEntries(listed.runs.map((run) => [run.id, run.timeoutMs]))).toMatchObject({ [queued.id]: 1_000, [running.id]: 86_400_000, [unbounded.id]: null });
      for (const timeoutMs of [0, 1.5, 2 ** 31]) {
        await expect(store.createRun(sampleRunInput({ organizationId, timeoutMs }))).rejects.toSatisfy((error) => isNeonhubError(error, "VALIDATION_FAILED"));
      }
    });

    it("finishes a run that waited longer than 2^31 ms (about 24.8 days) with its whole duration", async () => {
      const organizationId = `org-${randomUUID()}`;
      const agentName = `long-wait-${randomUUID()}`;
      const input = sampleRunInput({ organizationId, agentName });
      await store.createRun(input);
      const wakeAt = BASE_TIME + 30 * 86_400_000;
      await store.suspendRun({ organizationId, runId: input.id, fence: 1, wakeAt: new Date(wakeAt), signalNames: [], now: new Date(BASE_TIME) });
      const [resumed] = await store.claimRuns({ owner: "sweeper", now: new Date(wakeAt), leaseExpiresAt: new Date(wakeAt + 30_000), agentNames: [agentName], limit: 10 });
      expect(resumed).toMatchObject({ id: input.id, fence: 2 });
      const durationMs = wakeAt - BASE_TIME + 1_500;
      expect(durationMs).toBeGreaterThan(2 ** 31);
      const finished = await store.finishRun(finishInput(organizationId, input.id, { fence: 2, completedAt: new Date(BASE_TIME + durationMs), durationMs }));
      expect(finished).toMatchObject({ status: "COMPLETED", durationMs });
      expect((await store.getRun(organizationId, input.id))?.durationMs).toBe(durationMs);
      expect((await store.listRuns({ organizationId, limit: 10 })).runs.map((run) => run.durationMs)).toEqual([durationMs]);
      const since = new Date(BASE_TIME);
      const summary = await store.summarizeRuns({ organizationId, since, until: new Date(BASE_TIME + 3_600_000) });
      expect(summary.agents).toEqual([{ agentName, total: 1, completed: 1, failed: 0, p95DurationMs: durationMs }]);
      const period = await store.summarizeAgentPeriod({ organizationId, agentName, since, until: new Date(BASE_TIME + 86_400_000) });
      expect(period).toMatchObject({ p50DurationMs: durationMs, p95DurationMs: durationMs });
    });

    it("keeps a signal sent before the wait begins, and wakes a waiting run at once", async () => {
      const agentName = `signal-${randomUUID()}`;
      const early = sampleRunInput({ agentName });
      await store.createRun(early);
      await store.sendSignal({ organizationId: early.organizationId, runId: early.id, name: "approval", payload: { approved: true }, sentBy: "user-9", sentAt: new Date(BASE_TIME + 5) });
      const parked = await store.suspendRun({ organizationId: early.organizationId, runId: early.id, fence: 1, wakeAt: new Date(BASE_TIME + 86_400_000), signalNames: ["approval"], now: new Date(BASE_TIME + 10) });
      expect(parked.wakeAt?.getTime()).toBe(BASE_TIME + 10);
      expect(await store.getSignal(early.organizationId, early.id, "approval")).toMatchObject({ runId: early.id, name: "approval", payload: { approved: true }, sentBy: "user-9" });
      expect((await store.getSignal(early.organizationId, early.id, "approval"))?.sentAt.getTime()).toBe(BASE_TIME + 5);

      const late = sampleRunInput({ agentName });
      await store.createRun(late);
      await store.suspendRun({ organizationId: late.organizationId, runId: late.id, fence: 1, wakeAt: new Date(BASE_TIME + 86_400_000), signalNames: ["approval"], now: new Date(BASE_TIME) });
      const woken = await store.sendSignal({ organizationId: late.organizationId, runId: late.id, name: "approval", payload: { approved: false }, sentBy: null, sentAt: new Date(BASE_TIME + 20) });
      expect(woken.wakeAt?.getTime()).toBe(BASE_TIME + 20);
      const claimed = await store.claimRuns({ owner: "sweeper", now: new Date(BASE_TIME + 20), leaseExpiresAt: new Date(BASE_TIME + 30_020), agentNames: [agentName], limit: 10 });
      expect(claimed.map((run) => run.id).sort()).toEqual([early.id, late.id].sort());
      expect(await store.getSignal(late.organizationId, late.id, "other")).toBeNull();
      expect(await store.getSignal("another-org", late.id, "approval")).toBeNull();
    });

    it("parks a run waiting for several signals as due at once when any of them was sent, and wakes it for any of them", async () => {
      const parkFor = async (sentBefore: string | null) => {
        const input = sampleRunInput();
        await store.createRun(input);
        if (sentBefore !== null) await store.sendSignal({ organizationId: input.organizationId, runId: input.id, name: sentBefore, payload: null, sentBy: null, sentAt: new Date(BASE_TIME + 5) });
        const parked = await store.suspendRun({ organizationId: input.organizationId, runId: input.id, fence: 1, wakeAt: new Date(BASE_TIME + 86_400_000), signalNames: ["legal", "brand"], now: new Date(BASE_TIME + 10) });
        return { input, parked };
      };
      expect((await parkFor("legal")).parked.wakeAt?.getTime()).toBe(BASE_TIME + 10);
      expect((await parkFor("brand")).parked.wakeAt?.getTime()).toBe(BASE_TIME + 10);
      // A signal for a name the run does not wait for leaves its deadline as it is.
      expect((await parkFor("finance")).parked.wakeAt?.getTime()).toBe(BASE_TIME + 86_400_000);
      const { input } = await parkFor(null);
      const woken = await store.sendSignal({ organizationId: input.organizationId, runId: input.id, name: "brand", payload: null, sentBy: null, sentAt: new Date(BASE_TIME + 20) });
      expect(woken).toMatchObject({ status: "WAITING" });
      expect(woken.wakeAt?.getTime()).toBe(BASE_TIME + 20);
    });

    it("refuses a second signal of one name, a signal to an ended run, and one to another organization's run", async () => {
      const input = sampleRunInput();
      await store.createRun(input);
      const signal = { organizationId: input.organizationId, runId: input.id, name: "approval", payload: { approved: true }, sentBy: "u", sentAt: new Date(BASE_TIME) };
      await store.sendSignal(signal);
      await expect(store.sendSignal({ ...signal, payload: { approved: false } })).rejects.toSatisfy((error) => isNeonhubError(error, "SIGNAL_CONFLICT"));
      expect((await store.getSignal(input.organizationId, input.id, "approval"))?.payload).toEqual({ approved: true });
      await expect(store.sendSignal({ ...signal, organizationId: "another-org", name: "other" })).rejects.toSatisfy((error) => isNeonhubError(error, "RUN_NOT_FOUND"));
      await store.finishRun(finishInput(input.organizationId, input.id));
      await expect(store.sendSignal({ ...signal, name: "late" })).rejects.toSatisfy((error) => isNeonhubError(error, "SIGNAL_CONFLICT"));
    });

    it("refuses a signal whose wait ended as timed out, and keeps one whose wait has not ended", async () => {
      const input = sampleRunInput();
      await store.createRun(input);
      const { organizationId, id: runId } = input;
      const waitStep = (position: number, key: string, overrides: Partial<Omit<JournalStep, "runId">> = {}) =>
        sampleStepInput(input, position, { key, kind: "SIGNAL", status: "STARTED", output: null, completedAt: null, wakeAt: new Date(BASE_TIME + 60_000), ...overrides }, { toolExecution: null });
      const timedOut = { status: "SUCCEEDED" as const, output: { received: false, timedOut: true }, completedAt: new Date(BASE_TIME + 60_000) };
      await store.recordStep(waitStep(0, "approval"));
      await store.recordStep({ ...waitStep(0, "approval", timedOut), timedOutSignal: "approval" });
      await store.recordStep(waitStep(1, "legal"));
      // A plain step that shares a signal's name is no wait for it.
      await store.recordStep(sampleStepInput(input, 2, { key: "brand", kind: "STEP" }, { toolExecution: null }));
      await store.suspendRun({ organizationId, runId, fence: 1, wakeAt: new Date(BASE_TIME + 60_000), signalNames: ["legal"], now: new Date(BASE_TIME) });
      const signal = (name: string) => store.sendSignal({ organizationId, runId, name, payload: { approved: true }, sentBy: "u", sentAt: new Date(BASE_TIME + 61_000) });

      const refused = await signal("approval").catch((error: unknown) => error);
      expect(isNeonhubError(refused, "SIGNAL_CONFLICT")).toBe(true);
      expect(refused).toMatchObject({ message: expect.stringContaining(`its wait for "approval" ended: timed out`), details: { signal: "approval", reason: "wait_ended" } });
      expect(await store.getSignal(organizationId, runId, "approval")).toBeNull();
      await expect(signal("legal")).resolves.toMatchObject({ status: "WAITING" });
      await expect(signal("brand")).resolves.toMatchObject({ status: "WAITING" });
      await expect(signal("finance")).resolves.toMatchObject({ status: "WAITING" });
    });

    it("refuses to journal a wait as timed out once its signal was sent, and writes nothing", async () => {
      const input = sampleRunInput();
      await store.createRun(input);
      const { organizationId, id: runId } = input;
      const started = sampleStepInput(input, 0, { key: "approval", kind: "SIGNAL", status: "STARTED", output: null, completedAt: null, wakeAt: new Date(BASE_TIME + 60_000) }, { toolExecution: null });
      await store.recordStep(started);
      await store.sendSignal({ organizationId, runId, name: "approval", payload: { approved: true }, sentBy: "u", sentAt: new Date(BASE_TIME + 60_001) });
      const ended = (output: unknown) => ({ ...started, step: { ...started.step, status: "SUCCEEDED" as const, output, completedAt: new Date(BASE_TIME + 60_002) } });

      const refused = await store.recordStep({ ...ended({ received: false, timedOut: true }), timedOutSignal: "approval" }).catch((error: unknown) => error);
      expect(isNeonhubError(refused, "SIGNAL_CONFLICT")).toBe(true);
      expect(refused).toMatchObject({ details: { signal: "approval", reason: "signal_sent" } });
      expect((await store.listSteps(organizationId, runId)).map((step) => [step.key, step.status])).toEqual([["approval", "STARTED"]]);
      // The wait's other ending, the signal received, is written; a timeout of a name never sent is too.
      await store.recordStep(ended({ received: true }));
      const other = sampleStepInput(input, 1, { key: "legal", kind: "SIGNAL", output: { received: false, timedOut: true } }, { toolExecution: null });
      await store.recordStep({ ...other, timedOutSignal: "legal" });
      expect((await store.listSteps(organizationId, runId)).map((step) => [step.key, step.status])).toEqual([["approval", "SUCCEEDED"], ["legal", "SUCCEEDED"]]);
      // A write refused for its fence is refused for that first.
      await expect(store.recordStep({ ...ended({ received: false, timedOut: true }), fence: 2, timedOutSignal: "approval" })).rejects.toSatisfy((error) => isNeonhubError(error, "LEASE_LOST"));
    });

    it("keeps exactly one of a signal and its wait's timeout sent at once", async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const input = sampleRunInput();
          await store.createRun(input);
          const { organizationId, id: runId } = input;
          const timeout = sampleStepInput(input, 0, { key: "approval", kind: "SIGNAL", output: { received: false, timedOut: true } }, { toolExecution: null });
          const [signalled, timedOut] = await Promise.allSettled([
            store.sendSignal({ organizationId, runId, name: "approval", payload: null, sentBy: null, sentAt: new Date(BASE_TIME) }),
            store.recordStep({ ...timeout, timedOutSignal: "approval" }),
          ]);
          const kept = { signal: (await store.getSignal(organizationId, runId, "approval")) !== null, timeout: (await store.listSteps(organizationId, runId)).length === 1 };
          expect(kept).toEqual({ signal: signalled.status === "fulfilled", timeout: timedOut.status === "fulfilled" });
          return [signalled.status, timedOut.status].sort().join(" ");
        }),
      );
      expect(new Set(outcomes)).toEqual(new Set(["fulfilled rejected"]));
    });

    it("closes tool executions left running when the run finishes", async () => {
      const input = sampleRunInput();
      await store.createRun(input);
      await store.recordStep(sampleStepInput(input, 0, { status: "STARTED", output: null, completedAt: null }));
      await store.finishRun(finishInput(input.organizationId, input.id, { status: "FAILED", statusReason: "handler_failed", output: null, error: { code: "HANDLER_FAILED", message: "x" } }));
      const [tool] = await store.listToolExecutions(input.organizationId, input.id);
      expect(tool).toMatchObject({ status: "FAILED", error: { code: "STEP_OUTCOME_UNKNOWN" } });
      expect(tool?.completedAt?.getTime()).toBe(BASE_TIME + 1_500);
    });

    it("finishes a waiting run from outside (a cancel)", async () => {
      const input = sampleRunInput({ agentName: `cancel-${randomUUID()}` });
      await store.createRun(input);
      await store.suspendRun({ organizationId: input.organizationId, runId: input.id, fence: 1, wakeAt: new Date(BASE_TIME + 60_000), signalNames: [], now: new Date(BASE_TIME) });
      const cancelled = await store.finishRun(finishInput(input.organizationId, input.id, { status: "CANCELLED", statusReason: "cancelled", output: null, attempts: 1 }));
      expect(cancelled).toMatchObject({ status: "CANCELLED", wakeAt: null });
      const claimed = await store.claimRuns({ owner: "x", now: new Date(BASE_TIME + 120_000), leaseExpiresAt: new Date(BASE_TIME + 150_000), agentNames: [input.agentName], limit: 500 });
      expect(claimed.map((run) => run.id)).not.toContain(input.id);
    });

    it("lists runs still queued before a cut-off across organizations, oldest first, up to the limit", async () => {
      // Far in the past, so that queued runs of the other cases (created at the base time) stay out of the way.
      const at = (offsetMs: number) => new Date(BASE_TIME - 86_400_000 + offsetMs);
      const queued = (createdAt: Date) => sampleRunInput({ status: "QUEUED", startedAt: null, createdAt });
      const oldest = queued(at(0));
      const older = queued(at(1_000));
      const started = queued(at(500));
      const finished = queued(at(600));
      const recent = queued(at(5_000));
      for (const input of [recent, older, oldest, started, finished]) await store.createRun(input);
      await store.startRun({ organizationId: started.organizationId, runId: started.id, agentVersion: "1.0.0", startedAt: at(700), traceId: null, lease: { owner: "worker-1", expiresAt: at(30_700) } });
      await store.finishRun(finishInput(finished.organizationId, finished.id, { status: "CANCELLED", statusReason: "cancelled", completedAt: at(800) }));

      const listed = await store.listQueuedRuns({ createdBefore: at(2_000), limit: 10 });
      expect(listed).toEqual([
        { organizationId: oldest.organizationId, runId: oldest.id, agentName: "sample-agent", createdAt: at(0) },
        { organizationId: older.organizationId, runId: older.id, agentName: "sample-agent", createdAt: at(1_000) },
      ]);
      expect(await store.listQueuedRuns({ createdBefore: at(2_000), limit: 1 })).toEqual([listed[0]]);
      expect(await store.listQueuedRuns({ createdBefore: at(2_000), limit: 10, after: { createdAt: at(0), runId: oldest.id } })).toEqual([listed[1]]);
      expect((await store.listQueuedRuns({ createdBefore: at(6_000), limit: 10 })).map((run) => run.runId)).toEqual([oldest.id, older.id, recent.id]);
      await expect(store.listQueuedRuns({ createdBefore: at(2_000), limit: 0 })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    });

    it("deletes ended runs created before a cut-off with all they hold, oldest first, and keeps open runs and the children open parents read", async () => {
      // Ten days back: no run of the other cases is that old, so the counts below are this case's alone.
      const at = (offsetMs: number) => new Date(BASE_TIME - 10 * 86_400_000 + offsetMs);
      const cutOff = at(60_000);
      const organizationId = `org-${randomUUID()}`;
      const run = (offsetMs: number, overrides: Partial<CreateRunInput> = {}) =>
        sampleRunInput({ organizationId, createdAt: at(offsetMs), startedAt: at(offsetMs), lease: { owner: "executor-1", expiresAt: at(offsetMs + 30_000) }, ...overrides });
      const end = (input: CreateRunInput, status: FinishRunInput["status"] = "COMPLETED") =>
        store.finishRun(finishInput(organizationId, input.id, { status, statusReason: status.toLowerCase(), completedAt: at(50_000) }));

      const completed = run(0, { idempotencyKey: `retention-${randomUUID()}` });
      const failed = run(1_000);
      const cancelled = run(2_000);
      const timedOut = run(3_000);
      const stillRunning = run(4_000);
      const stillQueued = run(5_000, { status: "QUEUED", startedAt: null, lease: null });
      const waitingParent = run(6_000);
      const childOfWaiting = run(7_000, { parentRunId: waitingParent.id });
      const endedParent = run(8_000);
      const childOfEnded = run(9_000, { parentRunId: endedParent.id });
      const endedAfterCutOff = run(70_000);
      for (const input of [completed, failed, cancelled, timedOut, stillRunning, stillQueued, waitingParent, childOfWaiting, endedParent, childOfEnded, endedAfterCutOff]) {
        await store.createRun(input);
      }
      await store.recordStep(sampleStepInput(completed, 0));
      await store.sendSignal({ organizationId, runId: completed.id, name: "approval", payload: { approved: true }, sentBy: "user-1", sentAt: at(100) });
      await end(completed);
      await end(failed, "FAILED");
      await end(cancelled, "CANCELLED");
      await end(timedOut, "TIMED_OUT");
      await store.suspendRun({ organizationId, runId: waitingParent.id, fence: 1, wakeAt: at(3_600_000), signalNames: [], now: at(6_500) });
      for (const input of [childOfWaiting, endedParent, childOfEnded, endedAfterCutOff]) await end(input);

      await expect(store.deleteEndedRuns({ createdBefore: cutOff, limit: 0 })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      await expect(store.deleteEndedRuns({ createdBefore: new Date(Number.NaN), limit: 10 })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      expect(await store.getRun(organizationId, completed.id)).not.toBeNull();

      // Oldest first, at most the limit.
      expect(await store.deleteEndedRuns({ createdBefore: cutOff, limit: 2 })).toBe(2);
      expect(await store.getRun(organizationId, completed.id)).toBeNull();
      expect(await store.getRun(organizationId, failed.id)).toBeNull();
      expect(await store.getRun(organizationId, cancelled.id)).not.toBeNull();
      expect(await store.deleteEndedRuns({ createdBefore: cutOff, limit: 100 })).toBe(4);
      expect(await store.deleteEndedRuns({ createdBefore: cutOff, limit: 100 })).toBe(0);

      for (const gone of [completed, failed, cancelled, timedOut, endedParent, childOfEnded]) expect(await store.getRun(organizationId, gone.id)).toBeNull();
      for (const kept of [stillRunning, stillQueued, waitingParent, childOfWaiting, endedAfterCutOff]) expect(await store.getRun(organizationId, kept.id)).not.toBeNull();
      expect(await store.listToolExecutions(organizationId, completed.id)).toEqual([]);
      expect(await store.listSteps(organizationId, completed.id)).toEqual([]);
      expect(await store.listRunMetrics(organizationId, completed.id)).toEqual([]);
      expect(await store.getSignal(organizationId, completed.id, "approval")).toBeNull();

      // The deleted run's idempotency key starts a new run.
      const again = { ...run(20_000, { idempotencyKey: completed.idempotencyKey }), id: randomUUID() };
      expect(await store.createRun(again)).toMatchObject({ created: true, run: { id: again.id } });

      // Once the parent ends, its child goes too.
      await store.finishRun(finishInput(organizationId, waitingParent.id, { status: "CANCELLED", statusReason: "cancelled", completedAt: at(50_000) }));
      expect(await store.deleteEndedRuns({ createdBefore: cutOff, limit: 100 })).toBe(2);
      expect(await store.getRun(organizationId, childOfWaiting.id)).toBeNull();
    });
  });
}
