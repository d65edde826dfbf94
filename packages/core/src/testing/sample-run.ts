import type { AgentRun } from "../model/agent-run.js";
import { sampleRunInput } from "./run-store-conformance-suite.js";

/**
 * A run record as a store gives it back, for tests of code that reads runs (a metrics sink, a view, an API's
 * schema): the run {@link sampleRunInput} creates, `RUNNING` and held by `executor-1`, with a fresh id and
 * organization on each call.
 * @example
 * const ended = sampleRun({ status: "COMPLETED", output: { text: "HI" }, completedAt: new Date(), durationMs: 12 });
 */
export function sampleRun(overrides: Partial<AgentRun> = {}): AgentRun {
  const { lease, timeoutMs, ...created } = sampleRunInput();
  return {
    ...created,
    statusReason: null,
    output: null,
    error: null,
    attempts: 1,
    completedAt: null,
    durationMs: null,
    timeoutMs: timeoutMs ?? null,
    fence: 1,
    takeovers: 0,
    leaseOwner: lease?.owner ?? null,
    leaseExpiresAt: lease?.expiresAt ?? null,
    wakeAt: null,
    ...overrides,
  };
}
