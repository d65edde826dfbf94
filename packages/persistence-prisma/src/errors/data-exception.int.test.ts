import { randomUUID } from "node:crypto";
import { createOrchestrator, defineAgent, isNeonhubError, type CreateRunInput } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { openNeonhubDatabase, type NeonhubDatabase } from "../index.js";
import { TEST_DATABASE_URL, type ScratchDatabase } from "../tooling/scratch-database.js";
import { scratchDatabaseAroundSuite } from "../test-support/scratch-database-around-suite.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the data-exception test on PostgreSQL.");

const runInput = (overrides: Partial<CreateRunInput>): CreateRunInput => ({
  id: randomUUID(), agentName: "a", agentVersion: "1", organizationId: "org-data", userId: "u", intent: null, input: {},
  idempotencyKey: null, requestHash: null, status: "RUNNING", createdAt: new Date(), startedAt: new Date(), traceId: null, parentRunId: null, lease: null,
  ...overrides,
});

describe.skipIf(!TEST_DATABASE_URL)("values PostgreSQL refuses", () => {
  let scratch!: ScratchDatabase;
  let database!: NeonhubDatabase;
  scratchDatabaseAroundSuite((opened) => ({ scratch, database } = opened));

  it.each([
    ["a NUL in JSON", () => database.runStore.createRun(runInput({ input: { text: "a\u0000b" } })), "22P05"],
    ["a lone surrogate in JSON", () => database.runStore.createRun(runInput({ input: { text: "a\uD800" } })), "22P02"],
    // Runs are written as a JSON array of rows, so a NUL in any of their text fields is refused as JSON.
    ["a NUL in text", () => database.runStore.createRun(runInput({ intent: "a\u0000" })), "22P05"],
    ["a year 0 bound", () => database.runStore.listRuns({ organizationId: "org-data", limit: 5, createdAfter: new Date("0000-01-01T00:00:00Z") }), "22008"],
  ])("reports %s as VALIDATION_FAILED, not retryable", async (_label, call, sqlState) => {
    const failure = await call().catch((error: unknown) => error);
    expect(isNeonhubError(failure, "VALIDATION_FAILED")).toBe(true);
    expect(failure).toMatchObject({ isRetryable: false, details: { sqlState } });
    // Driver text stays in the cause: the message names the action only.
    expect((failure as Error).message).not.toContain("Invalid `prisma");
  });

  it.each([
    ["a NUL in a filter", () => database.runStore.listRuns({ organizationId: "org-data", limit: 5, agentName: "\u0000" }), "agentName"],
    ["a NUL in an idempotency key", () => database.runStore.findRunByIdempotencyKey("org-data", "k\u0000"), "idempotencyKey"],
  ])("refuses %s itself, naming the field, before PostgreSQL refuses the query", async (_label, call, path) => {
    const failure = await call().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "VALIDATION_FAILED", isRetryable: false, details: { fieldErrors: [{ path }] } });
    expect(failure).not.toHaveProperty("details.sqlState");
  });

  it("still reports a lost connection as STORE_UNAVAILABLE", async () => {
    const closed = await openNeonhubDatabase({ url: scratch.url });
    await closed.close();
    const failure = await closed.runStore.getRun("org-data", "run-1").catch((error: unknown) => error);
    expect(isNeonhubError(failure, "STORE_UNAVAILABLE")).toBe(true);
  });

  it("refuses the same values in orchestrate() before the database sees them", async () => {
    const agent = defineAgent({ name: "any", version: "1.0.0", description: "Takes anything", input: z.unknown(), output: z.unknown(), handle: async () => ({}) });
    const orchestrator = createOrchestrator({ agents: [agent], store: database.runStore });
    const failure = await orchestrator
      .orchestrate({ agent: "any", input: { text: "a\u0000b" }, context: { userId: "u", organizationId: "org-data" } })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "VALIDATION_FAILED", details: { fieldErrors: [{ path: "input.text" }] } });
    expect(failure).not.toHaveProperty("details.sqlState");
  });
});
