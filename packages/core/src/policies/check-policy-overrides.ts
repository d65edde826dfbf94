import { ConfigurationError } from "../errors/errors.js";
import { BREAKER_SCOPES } from "../model/agent-policies.js";
import { MAX_TIMER_DELAY_MS } from "../telemetry/system-clock.js";
import { firstUnknownKey, isRecord } from "../util/unknown-keys.js";

/** What a value must be, or undefined when it is one. */
type Rule = (value: unknown) => string | undefined;

const integerFrom =
  (minimum: number): Rule =>
  (value) =>
    Number.isInteger(value) && (value as number) >= minimum ? undefined : `an integer of at least ${minimum}`;
const integerBetween =
  (minimum: number, maximum: number): Rule =>
  (value) =>
    Number.isInteger(value) && (value as number) >= minimum && (value as number) <= maximum ? undefined : `an integer from ${minimum} to ${maximum}`;
const trueOrFalse: Rule = (value) => (typeof value === "boolean" ? undefined : "true or false");
const oneOf =
  (values: readonly string[]): Rule =>
  (value) =>
    values.includes(value as string) ? undefined : `one of ${values.map((entry) => `"${entry}"`).join(", ")}`;

/** The fields of each policy of {@link RunPolicyOverrides}, and what each must be. */
const POLICY_FIELDS = {
  breaker: { enabled: trueOrFalse, failureThreshold: integerFrom(1), resetTimeoutMs: integerBetween(1, MAX_TIMER_DELAY_MS), scope: oneOf(BREAKER_SCOPES), maxOrganizations: integerFrom(1) },
  retry: { attempts: integerFrom(1), baseDelayMs: integerFrom(0), maxDelayMs: integerFrom(0), jitter: trueOrFalse },
  admission: { enabled: trueOrFalse, limit: integerFrom(1), windowMs: integerFrom(1) },
  concurrency: { maxConcurrent: integerFrom(1), maxQueued: integerFrom(0) },
} as const satisfies Record<string, Record<string, Rule>>;
const POLICIES = Object.keys(POLICY_FIELDS) as Array<keyof typeof POLICY_FIELDS>;
const POLICY_KEYS = new Map(POLICIES.map((policy) => [policy, new Set(Object.keys(POLICY_FIELDS[policy]))]));
const OVERRIDE_KEYS = new Set([...POLICIES, "timeoutMs"]);
const positiveInteger = integerFrom(1);

const join = (path: string, key: string): string => (path === "" ? key : `${path}.${key}`);

/** A value as a message shows it: strings quoted, so that a stray space shows. */
export const shownValue = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" && value !== null ? "an object" : String(value);
};

/**
 * Refuses a key of `value` that is not one of `allowed`.
 * @param owner whose options they are, in messages (`Agent "email-send"`).
 * @param path where `value` is among them (`policies.retry`); empty for the options themselves.
 * @param what how messages call `value` when `path` is empty (`an agent`).
 * @throws ConfigurationError naming the key by its path and listing the allowed ones.
 */
export function refuseUnknownOptions(owner: string, path: string, what: string, value: Record<string, unknown>, allowed: ReadonlySet<string>): void {
  const key = firstUnknownKey(value, allowed);
  if (key === undefined) return;
  throw new ConfigurationError(`${owner}: ${join(path, key)} is not an option; the options of ${path === "" ? what : path} are ${[...allowed].join(", ")}.`);
}

/**
 * Checks one layer of policy overrides as it is given (an agent's `policies`, or the orchestrator's defaults): every
 * key one of {@link RunPolicyOverrides}'s, every value of the right type and in range. A key left undefined is left
 * to the next layer; a concurrency cap replaces the default (none) as a whole, so it needs both its fields.
 * @param owner whose policies they are, in messages (`Agent "email-send"`).
 * @param path where the overrides are among the owner's options (`policies`); empty when they are the options.
 * @throws ConfigurationError naming the first key that is not an option, or the first value out of range, by its
 * path (`policies.retry.attempts`), with what is allowed.
 */
export function checkPolicyOverrides(owner: string, path: string, overrides: unknown): void {
  const fail = (field: string, rule: string, value: unknown) => new ConfigurationError(`${owner}: ${field} must be ${rule}, got ${shownValue(value)}.`);
  if (overrides === undefined) return;
  if (!isRecord(overrides)) throw fail(path === "" ? "the policies" : path, "an object", overrides);
  refuseUnknownOptions(owner, path, "the policies", overrides, OVERRIDE_KEYS);
  for (const policy of POLICIES) {
    const value = overrides[policy];
    if (value === undefined || (policy === "concurrency" && value === null)) continue;
    const policyPath = join(path, policy);
    if (!isRecord(value)) throw fail(policyPath, policy === "concurrency" ? "an object or null" : "an object", value);
    refuseUnknownOptions(owner, policyPath, policy, value, POLICY_KEYS.get(policy) as ReadonlySet<string>);
    for (const [field, rule] of Object.entries(POLICY_FIELDS[policy]) as Array<[string, Rule]>) {
      const fieldValue = value[field];
      if (fieldValue === undefined && policy !== "concurrency") continue;
      const problem = rule(fieldValue);
      if (problem !== undefined) throw fail(join(policyPath, field), problem, fieldValue);
    }
  }
  const timeoutProblem = overrides.timeoutMs === undefined ? undefined : positiveInteger(overrides.timeoutMs);
  if (timeoutProblem !== undefined) throw fail(join(path, "timeoutMs"), timeoutProblem, overrides.timeoutMs);
}
