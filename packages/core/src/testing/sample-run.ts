import { randomUUID } from "node:crypto";
import type { AgentRun } from "../model/agent-run.js";

const STARTED_AT = Date.UTC(2026, 5, 1, 12);

/**
 * A run record as a store gives it back, for tests of code that reads runs (a metrics sink, a view, an API's
 * schema): a `RUNNING` run held by `executor-1`, with a fresh id and organization on each call.
 * @example
 * const ended = sampleRun({ status: "COMPLETED", output: { text: "HI" }, completedAt: new Date(), durationMs: 12 });
 */
export function sampleRun(overrides: Partial<AgentRun> = {}): AgentRun {
  return {
    id: randomUUID(),
    agentName: "sample-agent",
    agentVersion: "1.0.0",
    organizationId: `org-${randomUUID()}`,
    userId: "user-1",
    intent: "draft a post",
    status: "RUNNING",
    statusReason: null,
    input: { topic: "launch" },
    output: null,
    error: null,
    idempotencyKey: null,
    requestHash: null,
    attempts: 1,
    createdAt: new Date(STARTED_AT),
    startedAt: new Date(STARTED_AT),
    completedAt: null,
    durationMs: null,
    traceId: null,
    parentRunId: null,
    timeoutMs: null,
    fence: 1,
    takeovers: 0,
    leaseOwner: "executor-1",
    leaseExpiresAt: new Date(STARTED_AT + 30_000),
    wakeAt: null,
    ...overrides,
  };
}
