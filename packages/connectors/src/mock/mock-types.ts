import type { MockContext } from "../sdk/connector-definition.js";

/** A fault or outcome a mocked call produces. */
export type MockScenarioName = "ok" | "rate_limited" | "server_error" | "timeout" | "auth_expired" | "invalid_input";

/** A scenario by name, or with options (`retryAfterMs` for `rate_limited`, a message for any failure). */
export type MockScenario = MockScenarioName | { type: MockScenarioName; retryAfterMs?: number; message?: string };

/** Matches a call's input: a partial object compared field by field (deeply), or a predicate. */
export type MockInputMatcher = Record<string, unknown> | ((input: unknown) => boolean);

/** A caller's answer for calls of one action whose input matches. */
export interface MockFixture {
  connector: string;
  action: string;
  /** Which inputs it answers; all when absent. */
  match?: MockInputMatcher;
  /** The output, or a function of the input; checked against the action's output schema. */
  output?: unknown | ((input: unknown, context: MockContext) => unknown);
  /** A scenario instead of (or before) the output; default `ok`. */
  scenario?: MockScenario;
  /** How many calls it answers before it stops matching; unlimited when absent. */
  times?: number;
}

/** Latency of mocked calls, waited on the injected clock: fixed, or drawn from a seeded range. */
export type MockLatency = { fixedMs: number } | { minMs: number; maxMs: number };

/** Options of mock mode. */
export interface MockOptions {
  /** Seed of generated ids and latencies. Default `neonhub`. */
  seed?: string;
  latency?: MockLatency;
  /** When true, a call that no caller fixture matches fails instead of getting the default fixture. */
  strict?: boolean;
  fixtures?: readonly MockFixture[];
  /** Timestamps in fixtures start here (`MockContext.now`). Default 2026-01-01T00:00:00Z. */
  epochMs?: number;
  /** Most calls kept in the call log (oldest dropped first). Default 10,000. */
  maxCalls?: number;
}

/** One mocked call, as kept in the call log. */
export interface MockCall {
  connector: string;
  action: string;
  organizationId: string;
  /** The input after validation (defaults applied). */
  input: unknown;
  scenario: MockScenarioName;
  output?: unknown;
  /** The error's code when the call failed. */
  errorCode?: string;
}

/** Selects which calls a scenario applies to. */
export interface ScenarioSelection {
  /** Only this action of the connector; all actions when absent. */
  action?: string;
  /** Only the next `times` calls; every call when absent. */
  times?: number;
}

/** Controls mock mode: fixtures, scenarios and the call log. */
export interface MockController {
  /** Calls made, in order, optionally of one connector and action. */
  calls(connector?: string, action?: string): MockCall[];
  addFixture(fixture: MockFixture): void;
  /** Makes calls of a connector (or one action) produce a scenario; `null` or `"ok"` clears it. */
  setScenario(connector: string, scenario: MockScenario | null, selection?: ScenarioSelection): void;
  /** Forgets the call log only. */
  clearCalls(): void;
  /** Forgets calls, caller fixtures, scenarios and the per-input counters: the state of a new client. */
  reset(): void;
}
