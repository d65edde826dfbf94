import { createMemoryRunStore, createOrchestrator, defineAgent } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { InvokeOptions } from "./create-connector-client.js";
import { createConnectorClient } from "./create-connector-client.js";

const message = { channel: "C1", text: "hello" };
const mockClient = () => createConnectorClient({ mode: "mock", environment: {}, retry: false });

const refusals: Array<[string, unknown, { path: string; message: string }]> = [
  ["a misspelled option", { scenarios: "server_error" }, { path: "scenarios", message: "The options of slack.postMessage are invalid: scenarios is not an option; the options are organizationId, signal, scenario, idempotencyKey, stepKey." }],
  ["a scenario that names none", { scenario: "rate-limited" }, { path: "scenario", message: 'scenario must be one of "ok", "rate_limited", "server_error", "timeout", "auth_expired", "invalid_input", got "rate-limited".' }],
  ["a misspelled scenario option", { scenario: { type: "rate_limited", retryAfter: 30_000 } }, { path: "scenario.retryAfter", message: "scenario.retryAfter is not an option; the options of scenario are type, retryAfterMs, message." }],
  ["a negative scenario wait", { scenario: { type: "rate_limited", retryAfterMs: -1 } }, { path: "scenario.retryAfterMs", message: "scenario.retryAfterMs must be a non-negative number of milliseconds, got -1." }],
  ["an empty idempotency key", { idempotencyKey: "" }, { path: "idempotencyKey", message: 'idempotencyKey must be a non-empty string, got "".' }],
  ["a step key that is not text", { stepKey: 7 }, { path: "stepKey", message: "stepKey must be a non-empty string, got 7." }],
  ["an organization that is not text", { organizationId: ["org-1"] }, { path: "organizationId", message: "organizationId must be a non-empty string, got an array." }],
  ["a signal that is not one", { signal: true }, { path: "signal", message: "signal must be an AbortSignal, got true." }],
  ["options that are not an object", "server_error", { path: "", message: 'they must be an object, got "server_error".' }],
];

describe("options of a connector call", () => {
  it.each(refusals)("refuses %s outside a run with VALIDATION_FAILED, before anything is called", async (_case, options, expected) => {
    const client = mockClient();
    await expect(client.invoke("slack", "postMessage", message, options as InvokeOptions)).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringContaining(expected.message),
      fieldErrors: [{ path: expected.path }],
      details: { connector: "slack", action: "postMessage" },
    });
    expect(client.mock.calls()).toEqual([]);
  });

  it.each(refusals)("refuses %s inside a run before anything is journaled, and the run fails call_invalid", async (_case, options, expected) => {
    const client = mockClient();
    const agent = defineAgent({
      name: "poster",
      version: "1.0.0",
      description: "Posts a message",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, ctx) => (await client.forRun(ctx).invoke("slack", "postMessage", message, options as InvokeOptions), {}),
    });
    const store = createMemoryRunStore();
    const orchestrator = createOrchestrator({ agents: [agent], store, policies: { retry: { attempts: 1 } }, durability: { sweepIntervalMs: 0 } });
    const error = (await orchestrator.orchestrate({ agent: "poster", input: {}, context: { userId: "u1", organizationId: "org-1" } }).catch((failure: unknown) => failure)) as { runId: string };
    expect(error).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining(expected.message), fieldErrors: [{ path: expected.path }] });
    expect(await store.getRun("org-1", error.runId)).toMatchObject({ status: "FAILED", statusReason: "call_invalid" });
    expect(await store.listSteps("org-1", error.runId)).toEqual([]);
    expect(client.mock.calls()).toEqual([]);
  });

  it("accepts every option the types allow", async () => {
    const client = mockClient();
    const options: InvokeOptions = { organizationId: "org-1", signal: new AbortController().signal, scenario: { type: "ok", message: "fine" }, idempotencyKey: "key-1", stepKey: "post" };
    await expect(client.invoke("slack", "postMessage", message, options)).resolves.toHaveProperty("ts");
    await expect(client.invoke("slack", "postMessage", message, { scenario: "ok" })).resolves.toHaveProperty("ts");
    await expect(client.invoke("slack", "postMessage", message, { scenario: { type: "rate_limited", retryAfterMs: 0 } })).rejects.toMatchObject({ code: "RATE_LIMITED" });
  });
});
