import { ValidationError, type FieldError } from "../errors/errors.js";
import { fieldErrorsFromZod } from "../errors/field-errors-from-zod.js";
import type { AgentRun } from "../model/agent-run.js";
import type { Redactor } from "../telemetry/redactor.js";
import type { RegisteredAgent } from "./agent-registry.js";
import type { ExecutionDependencies } from "./execution-dependencies.js";
import { failHeldRun } from "./fail-held-run.js";

/** The `statusReason` of a run whose stored input does not match its agent's input schema. */
export const INPUT_INVALID_REASON = "input_invalid";

/** Fields named at most in the error of an input that redaction would change. */
const MAX_CHANGED_FIELDS = 20;

const join = (path: string, key: string): string => `${path}.${key}`;

/** Adds to `changes` the paths under `path` where the stored form of the input differs from the input. */
function collectChanges(original: unknown, stored: unknown, path: string, changes: FieldError[]): void {
  if (changes.length >= MAX_CHANGED_FIELDS || Object.is(original, stored)) return;
  if (original instanceof Date && stored instanceof Date && original.getTime() === stored.getTime()) return;
  const bothObjects = typeof original === "object" && original !== null && typeof stored === "object" && stored !== null;
  if (bothObjects && !(original instanceof Date) && Array.isArray(original) === Array.isArray(stored)) {
    for (const key of Object.keys(original)) collectChanges((original as Record<string, unknown>)[key], (stored as Record<string, unknown>)[key], join(path, key), changes);
    return;
  }
  changes.push({ path, message: "Would be stored redacted (its key or its text looks like a secret), so a queued run could not receive it" });
}

/**
 * The input of a run to queue, as it will be stored: redacted. A queued run's handler receives its stored input,
 * so input that redaction would change (a value under a key that looks like a secret, such as `signature` or
 * `apiKey`, a bearer credential in text, nesting deeper than the redactor copies) is refused rather than handed
 * to the handler altered.
 * @throws ValidationError (`VALIDATION_FAILED`) naming each changed field, before anything is stored.
 */
export function storableQueuedInput(redactor: Redactor, input: unknown): unknown {
  const stored = redactor.redact(input);
  const changes: FieldError[] = [];
  collectChanges(input, stored, "input", changes);
  if (changes.length === 0) return stored;
  throw new ValidationError(
    `The input cannot be queued: a queued run's handler receives its stored input, which is redacted, and redaction would change ${changes.map((change) => change.path).join(", ")}. Rename the field, or pass secrets through connections rather than the input.`,
    changes,
  );
}

/** The result of {@link parseStoredInput}. */
export type StoredInput = { valid: true; input: unknown } | { valid: false; error: ValidationError };

/**
 * A run's stored input as its handler must receive it: parsed by the agent's input schema. Input that no longer
 * matches (the schema changed, or redaction altered a field) is an error, never handed to the handler.
 */
export function parseStoredInput(agent: RegisteredAgent, run: AgentRun): StoredInput {
  const parsed = agent.definition.input.safeParse(run.input);
  if (parsed.success) return { valid: true, input: parsed.data };
  const fieldErrors = fieldErrorsFromZod(parsed.error).map((field) => ({ ...field, path: field.path ? `input.${field.path}` : "input" }));
  const error = new ValidationError(`The stored input of run ${run.id} does not match the schema of agent "${run.agentName}", so its handler was not called.`, fieldErrors, { runId: run.id });
  return { valid: false, error };
}

/** Fails a run this executor holds, before its handler is called, because its stored input is invalid. */
export function failWithInvalidInput(dependencies: ExecutionDependencies, run: AgentRun, error: ValidationError): Promise<AgentRun> {
  dependencies.logger.warn({ runId: run.id, agent: run.agentName, fieldErrors: error.fieldErrors }, "run failed: its stored input does not match its agent's input schema");
  return failHeldRun(dependencies, run, INPUT_INVALID_REASON, error);
}
