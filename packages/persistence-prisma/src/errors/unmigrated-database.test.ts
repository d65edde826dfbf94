import { createOrchestrator, defineAgent, isNeonhubError } from "@neonhub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { openNeonhubDatabase, type NeonhubDatabase } from "../index.js";
import { createScratchFolder } from "../tooling/scratch-database.js";

const echo = defineAgent({
  name: "echo",
  version: "1.0.0",
  description: "Repeats its input",
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  handle: async (input) => input,
});
const request = { agent: "echo", input: { text: "hi" }, context: { userId: "u1", organizationId: "org-unmigrated" } };

describe("an orchestrator on a database whose migrations were not applied", () => {
  const folder = createScratchFolder();
  let database!: NeonhubDatabase;
  beforeAll(async () => {
    database = await openNeonhubDatabase({ embedded: { dataDir: (await folder).path }, applyMigrations: false });
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    await (await folder).remove();
  });

  it.each(["orchestrate", "enqueue"] as const)("refuses %s with a STORE_UNAVAILABLE that is not retryable, as the store said", async (method) => {
    const orchestrator = createOrchestrator({ agents: [echo], store: database.runStore, durability: { sweepIntervalMs: 0 } });
    const failure = await orchestrator[method](request).catch((error: unknown) => error);
    expect(isNeonhubError(failure, "STORE_UNAVAILABLE")).toBe(true);
    expect(failure).toMatchObject({ isRetryable: false, details: { sqlState: "42P01" }, message: "The run could not be recorded, so it was not started." });
  });
});
