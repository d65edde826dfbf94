import { ValidationError } from "@neonhub/core";
import { MOCK_SCENARIO_NAMES } from "../mock/mock-types.js";
import { isRecord, shownValue, unknownOptionSentence } from "../sdk/option-values.js";

const INVOKE_OPTIONS: ReadonlySet<string> = new Set(["organizationId", "signal", "scenario", "idempotencyKey", "stepKey"]);
const SCENARIO_OPTIONS: ReadonlySet<string> = new Set(["type", "retryAfterMs", "message"]);
const SCENARIO_RULE = `one of ${MOCK_SCENARIO_NAMES.map((name) => `"${name}"`).join(", ")}`;

const isText = (value: unknown): boolean => typeof value === "string" && value.length > 0;
const isSignal = (value: unknown): boolean => isRecord(value) && typeof value.aborted === "boolean" && typeof value.addEventListener === "function";

/** One problem: the option's path, and the rule it breaks as a field error says it. */
interface Problem {
  path: string;
  rule: string;
  /** The sentence of the error's message; by default the path, the rule and the value given. */
  sentence?: string;
}

const unknownKeyProblem = (value: Record<string, unknown>, allowed: ReadonlySet<string>, prefix: string): Problem | undefined => {
  const unknown = unknownOptionSentence(value, allowed, prefix);
  return unknown === undefined ? undefined : { path: unknown.key, rule: "Not an option", sentence: unknown.sentence };
};

function scenarioProblem(scenario: unknown): Problem | undefined {
  if (typeof scenario === "string") return MOCK_SCENARIO_NAMES.includes(scenario as never) ? undefined : { path: "scenario", rule: `Must be ${SCENARIO_RULE}` };
  if (!isRecord(scenario)) return { path: "scenario", rule: `Must be ${SCENARIO_RULE}, or { type, retryAfterMs, message }` };
  const unknown = unknownKeyProblem(scenario, SCENARIO_OPTIONS, "scenario.");
  if (unknown !== undefined) return unknown;
  if (!MOCK_SCENARIO_NAMES.includes(scenario.type as never)) return { path: "scenario.type", rule: `Must be ${SCENARIO_RULE}` };
  const { retryAfterMs, message } = scenario;
  if (retryAfterMs !== undefined && !(typeof retryAfterMs === "number" && Number.isFinite(retryAfterMs) && retryAfterMs >= 0)) {
    return { path: "scenario.retryAfterMs", rule: "Must be a non-negative number of milliseconds" };
  }
  if (message !== undefined && typeof message !== "string") return { path: "scenario.message", rule: "Must be a string" };
  return undefined;
}

function invokeOptionsProblem(options: unknown): Problem | undefined {
  if (!isRecord(options)) return { path: "", rule: "Must be an object" };
  const unknown = unknownKeyProblem(options, INVOKE_OPTIONS, "");
  if (unknown !== undefined) return unknown;
  const { organizationId, signal, scenario, idempotencyKey, stepKey } = options;
  if (organizationId !== undefined && !isText(organizationId)) return { path: "organizationId", rule: "Must be a non-empty string" };
  if (signal !== undefined && !isSignal(signal)) return { path: "signal", rule: "Must be an AbortSignal" };
  const scenarioFault = scenario === undefined ? undefined : scenarioProblem(scenario);
  if (scenarioFault !== undefined) return scenarioFault;
  if (idempotencyKey !== undefined && !isText(idempotencyKey)) return { path: "idempotencyKey", rule: "Must be a non-empty string" };
  if (stepKey !== undefined && !isText(stepKey)) return { path: "stepKey", rule: "Must be a non-empty string" };
  return undefined;
}

const valueAt = (options: unknown, path: string): unknown =>
  path === "" ? options : path.split(".").reduce<unknown>((parent, key) => (isRecord(parent) ? parent[key] : undefined), options);

/**
 * Checks the options of one `invoke` when it is made, before the connection is read or anything is sent: a
 * misspelled option would be ignored, and a `scenario` that names none would answer as `ok`.
 * @throws ValidationError (`VALIDATION_FAILED`) naming the option by its path and what it must be.
 */
export function checkInvokeOptions(options: unknown, connector: string, action: string): void {
  if (options === undefined) return;
  const problem = invokeOptionsProblem(options);
  if (problem === undefined) return;
  const { path, rule } = problem;
  const sentence = problem.sentence ?? `${path === "" ? "they" : path} ${rule[0]?.toLowerCase()}${rule.slice(1)}, got ${shownValue(valueAt(options, path))}`;
  throw new ValidationError(`The options of ${connector}.${action} are invalid: ${sentence}.`, [{ path, message: rule }], { details: { connector, action } });
}
