import { BoundedMap, type Clock, ConfigurationError, fieldErrorsFromZod, isNeonhubError } from "@neonhub/core";
import type { ActionDefinition, ConnectorDefinition, MockContext } from "../sdk/connector-definition.js";
import { fixtureById } from "./define-mock-fixture.js";
import { matchesInput } from "./match-input.js";
import type { DefinitionMockFixture, MockFixture } from "./mock-fixture.js";
import type { MockCall, MockController, MockOptions, MockScenario, ScenarioSelection } from "./mock-types.js";
import { scenarioError, scenarioName } from "./scenario-error.js";
import { createSeededRandom, hashText, stableStringify } from "./seeded-random.js";

const DEFAULT_EPOCH_MS = Date.UTC(2026, 0, 1);
const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

interface ScenarioRule {
  connector: string;
  action: string | undefined;
  scenario: MockScenario;
  remaining: number;
}

interface FixtureEntry {
  fixture: MockFixture;
  remaining: number;
}

/** One mocked call to execute. */
export interface MockExecution {
  connector: ConnectorDefinition;
  actionName: string;
  action: ActionDefinition;
  /** Input already validated by the action's schema. */
  input: unknown;
  organizationId: string;
  signal: AbortSignal;
  /** A scenario for this call only, over any rule or fixture. */
  scenario?: MockScenario;
}

/** A connector named by its id or given by its definition, as the controller's methods accept it. */
const connectorIdOf = (connector: string | ConnectorDefinition): string => (typeof connector === "string" ? connector : connector.id);

/** The mock side of a client: executes mocked calls and exposes the {@link MockController}. */
export interface MockEngine {
  execute(execution: MockExecution): Promise<unknown>;
  controller: MockController;
}

function mockContext(random: () => number, epochMs: number, occurrence: number): MockContext {
  const integer = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const hex = (length: number) => Array.from({ length }, () => integer(0, 15).toString(16)).join("");
  return {
    hex,
    uuid: () => {
      const digits = hex(32);
      return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-4${digits.slice(13, 16)}-${"89ab"[integer(0, 3)]}${digits.slice(17, 20)}-${digits.slice(20)}`;
    },
    occurrence,
    integer,
    id: (prefix = "", length = 16) => prefix + Array.from({ length }, () => ID_ALPHABET[integer(0, ID_ALPHABET.length - 1)]).join(""),
    pick: (values) => values[integer(0, values.length - 1)] as (typeof values)[number],
    now: () => new Date(epochMs + occurrence * 1_000 + integer(0, 999)),
  };
}

/** Throws a typed error when the connector is not registered or has no such action. */
export type CheckFixtureTarget = (connectorId: string, actionName: string) => void;

/**
 * Creates the engine of mock mode, with latency waited on `clock`. Each fixture's connector and action go through
 * `checkTarget` when it is added, so that a misspelt one fails there rather than never matching.
 */
export function createMockEngine(options: MockOptions, clock: Clock, checkTarget: CheckFixtureTarget): MockEngine {
  const seed = options.seed ?? "neonhub";
  const epochMs = options.epochMs ?? DEFAULT_EPOCH_MS;
  const maxCalls = options.maxCalls ?? 10_000;
  const occurrences = new BoundedMap<string, number>(100_000);
  let calls: MockCall[] = [];
  let fixtures: FixtureEntry[] = [];
  let rules: ScenarioRule[] = [];

  const addFixture = (given: MockFixture | DefinitionMockFixture<ConnectorDefinition, string>) => {
    const fixture = fixtureById(given);
    checkTarget(fixture.connector, fixture.action);
    fixtures.unshift({ fixture, remaining: fixture.times ?? Number.POSITIVE_INFINITY });
  };
  for (const fixture of options.fixtures ?? []) addFixture(fixture);

  // Trimmed in batches so that a full log does not cost a copy per call; readers see the newest maxCalls.
  const record = (call: MockCall) => {
    calls.push(call);
    if (calls.length > maxCalls + Math.max(16, maxCalls >> 3)) calls = calls.slice(calls.length - maxCalls);
  };
  const recent = () => (calls.length > maxCalls ? calls.slice(calls.length - maxCalls) : calls);

  const takeRule = (connector: string, action: string): MockScenario | undefined => {
    const rule = rules.find((candidate) => candidate.connector === connector && candidate.action === action) ?? rules.find((candidate) => candidate.connector === connector && candidate.action === undefined);
    if (rule === undefined) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) rules = rules.filter((candidate) => candidate !== rule);
    return rule.scenario;
  };

  const latencyMs = (random: () => number): number => {
    const latency = options.latency;
    if (latency === undefined) return 0;
    if ("fixedMs" in latency) return latency.fixedMs;
    return latency.minMs + Math.floor(random() * (latency.maxMs - latency.minMs + 1));
  };

  async function execute(execution: MockExecution): Promise<unknown> {
    const { connector, actionName, action, input } = execution;
    const inputText = stableStringify(input);
    const counterKey = `${connector.id}.${actionName}:${hashText(inputText)}:${inputText.length}`;
    const occurrence = occurrences.get(counterKey) ?? 0;
    occurrences.set(counterKey, occurrence + 1);
    const randomSeed = `${seed}|${connector.id}|${actionName}|${inputText}|${occurrence}`;
    const entry = fixtures.find((candidate) => candidate.remaining > 0 && candidate.fixture.connector === connector.id && candidate.fixture.action === actionName && matchesInput(candidate.fixture.match, input));
    if (entry !== undefined) entry.remaining -= 1;
    const scenario = execution.scenario ?? entry?.fixture.scenario ?? takeRule(connector.id, actionName) ?? "ok";
    const call: MockCall = { connector: connector.id, action: actionName, organizationId: execution.organizationId, input, scenario: scenarioName(scenario) };
    record(call);
    try {
      const delay = latencyMs(createSeededRandom(`${randomSeed}|latency`));
      if (delay > 0) await clock.sleep(delay, execution.signal);
      const failure = scenarioError(scenario, { connector: connector.id, action: actionName });
      if (failure !== null) throw failure;
      const context = mockContext(createSeededRandom(randomSeed), epochMs, occurrence);
      let output: unknown;
      if (entry !== undefined && entry.fixture.output !== undefined) {
        const given = entry.fixture.output;
        output = typeof given === "function" ? (given as (input: unknown, context: MockContext) => unknown)(input, context) : structuredClone(given);
      } else if (options.strict) {
        throw new ConfigurationError(`Strict mock mode: no fixture matches this ${connector.id}.${actionName} input. Add one with client.mock.addFixture({ connector: "${connector.id}", action: "${actionName}", match, output }).`);
      } else {
        output = action.fixture(input, context);
      }
      const parsed = action.output.safeParse(output);
      if (!parsed.success) {
        const problems = fieldErrorsFromZod(parsed.error).map((problem) => `${problem.path || "(root)"}: ${problem.message}`);
        throw new ConfigurationError(`The mock fixture for ${connector.id}.${actionName} does not satisfy its output schema: ${problems.join("; ")}.`);
      }
      call.output = parsed.data;
      return parsed.data;
    } catch (error) {
      call.errorCode = isNeonhubError(error) ? error.code : "Error";
      throw error;
    }
  }

  const controller: MockController = {
    calls: (of?: string | ConnectorDefinition, action?: string) => {
      const connector = of === undefined ? undefined : connectorIdOf(of);
      return recent().filter((call) => (connector === undefined || call.connector === connector) && (action === undefined || call.action === action));
    },
    addFixture,
    setScenario(of: string | ConnectorDefinition, scenario: MockScenario | null, selection: ScenarioSelection = {}) {
      const connector = connectorIdOf(of);
      rules = rules.filter((rule) => !(rule.connector === connector && rule.action === selection.action));
      if (scenario === null || scenarioName(scenario) === "ok") return;
      rules.unshift({ connector, action: selection.action, scenario, remaining: selection.times ?? Number.POSITIVE_INFINITY });
    },
    clearCalls: () => {
      calls = [];
    },
    reset: () => {
      calls = [];
      fixtures = [];
      rules = [];
      occurrences.clear();
      for (const fixture of options.fixtures ?? []) addFixture(fixture);
    },
  };
  return { execute, controller };
}
