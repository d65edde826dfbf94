import { ValidationError } from "../errors/errors.js";
import { REPEAT_SAFETIES } from "../model/repeat-safety.js";
import { shownValue } from "../policies/check-policy-overrides.js";
import { firstUnknownKey, isRecord } from "../util/unknown-keys.js";

const STEP_OPTIONS: ReadonlySet<string> = new Set(["repeatSafety", "keyRetentionMs"]);
const TOOL_OPTIONS: ReadonlySet<string> = new Set(["secretValues", "key", "repeatSafety", "keyRetentionMs"]);
const RUN_AGENT_OPTIONS: ReadonlySet<string> = new Set(["key", "intent", "timeoutMs"]);
const WAIT_OPTIONS: ReadonlySet<string> = new Set(["timeoutMs"]);
const REPEAT_SAFETY_RULE = `one of ${REPEAT_SAFETIES.map((safety) => `"${safety}"`).join(", ")}`;

/** Names a call in messages: what it is and its name (made only for a message, since calls are checked on every run). */
export interface Call {
  what: string;
  name: unknown;
}
const named = ({ what, name }: Call): string => {
  const shown = isRecord(name) ? `${String(name.connector)}.${String(name.action)}` : String(name);
  return `${what} ${JSON.stringify(shown)}`;
};

/** `The options of <call> are invalid: <problem>.`, with `rule` for the field at `path`. */
export const invalid = (call: Call, path: string, problem: string, rule: string): ValidationError =>
  new ValidationError(`The options of ${named(call)} are invalid: ${problem}.`, [{ path, message: rule }]);

/** A problem with the options object itself: not an object, or a key it does not have. */
export function shapeProblem(call: Call, options: unknown, allowed: ReadonlySet<string>): ValidationError | undefined {
  if (!isRecord(options)) return invalid(call, "", `they must be an object, got ${shownValue(options)}`, "Must be an object");
  const key = firstUnknownKey(options, allowed);
  if (key === undefined) return undefined;
  return invalid(call, key, `${key} is not an option; the options are ${[...allowed].join(", ")}`, "Not an option");
}

function repeatSafetyProblem(call: Call, repeatSafety: unknown): ValidationError | undefined {
  if (repeatSafety === undefined || REPEAT_SAFETIES.includes(repeatSafety as never)) return undefined;
  return invalid(call, "repeatSafety", `repeatSafety must be ${REPEAT_SAFETY_RULE}, got ${shownValue(repeatSafety)}`, `Must be ${REPEAT_SAFETY_RULE}`);
}

const functionProblem = (call: Call, fn: unknown): ValidationError | undefined =>
  typeof fn === "function" ? undefined : new ValidationError(`${named(call)} needs a function to run, got ${shownValue(fn)}.`, [{ path: "fn", message: "Must be a function" }]);

/**
 * Checks a `ctx.step` call where it is made, before anything is journaled or run: a misspelled option would be
 * ignored, and a step meant to be `unsafe` repeated blindly. (`keyRetentionMs` is checked with the step itself.)
 */
export function stepCallProblem(key: string, fn: unknown, options: unknown): ValidationError | undefined {
  const call = { what: "step", name: key };
  return functionProblem(call, fn) ?? (options === undefined ? undefined : (shapeProblem(call, options, STEP_OPTIONS) ?? repeatSafetyProblem(call, (options as { repeatSafety?: unknown }).repeatSafety)));
}

const isText = (value: unknown): value is string => typeof value === "string" && value.length > 0;

/** Whether a tool call is named by a non-empty string or by `{ connector, action }` non-empty strings. */
const isToolName = (name: unknown): boolean => isText(name) || (isRecord(name) && isText(name.connector) && isText(name.action));

/** Checks a `ctx.tool` call where it is made, as {@link stepCallProblem} does a step's. */
export function toolCallProblem(name: unknown, fn: unknown, options: unknown): ValidationError | undefined {
  if (!isToolName(name)) {
    return new ValidationError("A tool call needs a name: a non-empty string, or { connector, action } with non-empty strings.", [{ path: "name", message: "Invalid tool name" }]);
  }
  const call = { what: "tool call", name };
  const problem = functionProblem(call, fn) ?? (options === undefined ? undefined : shapeProblem(call, options, TOOL_OPTIONS));
  if (problem !== undefined || options === undefined) return problem;
  const { secretValues, repeatSafety } = options as { secretValues?: unknown; repeatSafety?: unknown };
  if (secretValues !== undefined && !(Array.isArray(secretValues) && secretValues.every((value) => typeof value === "string"))) {
    return invalid(call, "secretValues", `secretValues must be an array of strings, got ${shownValue(secretValues)}`, "Must be an array of strings");
  }
  return repeatSafetyProblem(call, repeatSafety);
}

/** Checks the options of `ctx.runAgent`: no key they do not have, and an `intent` that is text (`key` and `timeoutMs` are checked where they are used). */
export function runAgentOptionsProblem(agent: string, options: unknown): ValidationError | undefined {
  if (options === undefined) return undefined;
  const call = { what: "the child run of", name: agent };
  const problem = shapeProblem(call, options, RUN_AGENT_OPTIONS);
  if (problem !== undefined) return problem;
  const { intent } = options as { intent?: unknown };
  return intent === undefined || typeof intent === "string" ? undefined : invalid(call, "intent", `intent must be a string, got ${shownValue(intent)}`, "Must be a string");
}

/** Checks that the options of `ctx.waitForSignal` have no key they do not have (`timeoutMs` is checked with the wait). */
export function waitOptionsProblem(name: string, options: unknown): ValidationError | undefined {
  return shapeProblem({ what: "the wait for signal", name }, options, WAIT_OPTIONS);
}
