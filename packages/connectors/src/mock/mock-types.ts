import type { BuiltInConnectorId } from "../connectors/built-in-connectors.js";
import type { ConnectorDefinition } from "../sdk/connector-definition.js";
import type {
  BuiltInActionMockFixture,
  BuiltInActionName,
  ConnectorActionName,
  DefinitionMockFixture,
  MockFixture,
  UntypedMockFixture,
} from "./mock-fixture.js";

/** A fault or outcome a mocked call produces. */
export type MockScenarioName = "ok" | "rate_limited" | "server_error" | "timeout" | "auth_expired" | "invalid_input";

/** Every {@link MockScenarioName}, for validation. */
export const MOCK_SCENARIO_NAMES: readonly MockScenarioName[] = Object.freeze(["ok", "rate_limited", "server_error", "timeout", "auth_expired", "invalid_input"]);

/** A scenario by name, or with options (`retryAfterMs` for `rate_limited`, a message for any failure). */
export type MockScenario = MockScenarioName | { type: MockScenarioName; retryAfterMs?: number; message?: string };

/** Latency of mocked calls, waited on the injected clock: fixed, or drawn from a seeded range. */
export type MockLatency = { fixedMs: number } | { minMs: number; maxMs: number };

/** Options of mock mode. */
export interface MockOptions {
  /** Seed of generated ids and latencies. Default `neonhub`. */
  seed?: string;
  latency?: MockLatency;
  /** When true, a call that no caller fixture matches fails instead of getting the default fixture. */
  strict?: boolean;
  /**
   * Caller fixtures from the start. Each one untyped here, as an array also holds plugins' fixtures: write each with
   * {@link defineMockFixture} to have it typed and checked by its action as {@link MockController.addFixture} does.
   */
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
  /** Calls made, in order, optionally of one connector (its id or its definition) and action. */
  calls(connector?: string, action?: string): MockCall[];
  calls<Connector extends ConnectorDefinition>(connector: Connector, action?: ConnectorActionName<Connector>): MockCall[];
  /**
   * Adds a fixture, newest first. Given a connector definition (a plugin's) or a built-in connector's id, `action`
   * must be one of its actions, `match` part of the action's input and `output` what its output schema accepts, and
   * an output function gets the input's type; any other id (a plugin's, by string) takes an untyped fixture. Either
   * way, a connector that is not registered or an action it lacks is refused with `VALIDATION_FAILED` here.
   * @example
   * connectors.mock.addFixture({ connector: "slack", action: "postMessage", output: (input) => ({ channel: input.channel, ts: "1.000001", threadTs: null }) });
   * connectors.mock.addFixture({ connector: airtableConnector, action: "createRecord", match: { table: "Leads" }, output: (input) => ({ id: "recLEAD000000001", createdTime: "2026-01-01T00:00:00.000Z", fields: input.fields }) });
   */
  addFixture<Connector extends ConnectorDefinition, Action extends ConnectorActionName<Connector>>(fixture: DefinitionMockFixture<Connector, Action>): void;
  addFixture<Id extends BuiltInConnectorId, Action extends BuiltInActionName<Id>>(fixture: BuiltInActionMockFixture<Id, Action>): void;
  // A built-in id never falls through to the untyped form, so a wrong fixture is a type error, not an untyped one.
  addFixture<Id extends string>(fixture: UntypedMockFixture<Id extends BuiltInConnectorId ? never : Id>): void;
  /** Makes calls of a connector (its id or its definition), or of one action, produce a scenario; `null` or `"ok"` clears it. */
  setScenario(connector: string | ConnectorDefinition, scenario: MockScenario | null, selection?: ScenarioSelection): void;
  /** Forgets the call log only. */
  clearCalls(): void;
  /** Forgets calls, caller fixtures, scenarios and the per-input counters: the state of a new client. */
  reset(): void;
}
