import { UnauthorizedError, ValidationError, type FieldError } from "../errors/errors.js";
import type { OrchestrateRequest } from "../model/orchestrate-request.js";
import { storableTextProblem, storableValueProblems } from "../util/storable-value.js";

const MAX_INTENT_LENGTH = 2_000;
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/**
 * Checks the request's own fields, and that the input is a value the store can hold (its schema is checked later);
 * throws before anything else happens, so that nothing a store would refuse reaches it.
 */
export function validateRequest(request: OrchestrateRequest): void {
  if (typeof request !== "object" || request === null) throw new ValidationError("The request must be an object.", [{ path: "", message: "Expected an object" }]);
  // Made only when something is wrong: this runs on every request.
  let problems: FieldError[] | undefined;
  if (typeof request.agent !== "string" || request.agent.length === 0) (problems ??= []).push({ path: "agent", message: "Required: the name of a registered agent" });
  if (request.intent !== undefined && (typeof request.intent !== "string" || request.intent.length > MAX_INTENT_LENGTH)) {
    (problems ??= []).push({ path: "intent", message: `Must be a string of at most ${MAX_INTENT_LENGTH} characters` });
  }
  if (
    request.idempotencyKey !== undefined &&
    (typeof request.idempotencyKey !== "string" || request.idempotencyKey.length === 0 || request.idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH)
  ) {
    (problems ??= []).push({ path: "idempotencyKey", message: `Must be a string of 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` });
  }
  const timeoutProblem = timeoutMsProblem(request.timeoutMs);
  if (timeoutProblem) (problems ??= []).push(timeoutProblem);
  for (const field of ["agent", "intent", "idempotencyKey", "parentRunId"] as const) {
    const value = request[field];
    const problem = typeof value === "string" ? storableTextProblem(value) : null;
    if (problem) (problems ??= []).push({ path: field, message: problem });
  }
  // Before anything walks the input (its schema, the request hash), so that no depth of nesting reaches them.
  const inputProblems = storableValueProblems(request.input, "input");
  if (inputProblems.length > 0) (problems ??= []).push(...inputProblems);
  if (problems) throw new ValidationError(`The request is invalid: ${problems.map((problem) => problem.path).join(", ")}.`, problems);
}

/**
 * What is wrong with a run's requested `timeoutMs`, or `null` when it is absent or valid: the one check for a
 * request's and for a child run's (`ctx.runAgent`).
 */
export function timeoutMsProblem(timeoutMs: unknown): FieldError | null {
  if (timeoutMs === undefined || (Number.isInteger(timeoutMs) && (timeoutMs as number) >= 1 && (timeoutMs as number) <= MAX_TIMEOUT_MS)) return null;
  return { path: "timeoutMs", message: `Must be an integer from 1 to ${MAX_TIMEOUT_MS}` };
}

/** Every run belongs to one user of one organization; both ids are required. */
export function requireCaller(request: OrchestrateRequest): void {
  const context = request.context as { userId?: unknown; organizationId?: unknown } | undefined;
  if (typeof context?.userId !== "string" || context.userId.length === 0 || typeof context.organizationId !== "string" || context.organizationId.length === 0) {
    throw new UnauthorizedError("A run needs the caller's userId and organizationId.");
  }
  for (const field of ["userId", "organizationId"] as const) {
    const problem = storableTextProblem(context[field] as string);
    if (problem) throw new ValidationError(`The caller's ${field} cannot be stored.`, [{ path: `context.${field}`, message: problem }]);
  }
}
