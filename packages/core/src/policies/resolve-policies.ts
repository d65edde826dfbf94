import { ConfigurationError } from "../errors/errors.js";
import { BREAKER_SCOPES, DEFAULT_RUN_POLICIES, type RunPolicies, type RunPolicyOverrides } from "../model/agent-policies.js";

const positiveInteger = (value: number, name: string, owner: string, minimum = 1): void => {
  if (!Number.isInteger(value) || value < minimum) throw new ConfigurationError(`${owner}: ${name} must be an integer of at least ${minimum}, got ${value}.`);
};

/** Merges overrides over the defaults, field by field, and validates the result. */
export function resolvePolicies(owner: string, ...layers: Array<RunPolicyOverrides | undefined>): RunPolicies {
  const policies: RunPolicies = {
    breaker: { ...DEFAULT_RUN_POLICIES.breaker },
    retry: { ...DEFAULT_RUN_POLICIES.retry },
    admission: { ...DEFAULT_RUN_POLICIES.admission },
    concurrency: DEFAULT_RUN_POLICIES.concurrency,
    timeoutMs: DEFAULT_RUN_POLICIES.timeoutMs,
  };
  for (const layer of layers) {
    if (!layer) continue;
    Object.assign(policies.breaker, layer.breaker);
    Object.assign(policies.retry, layer.retry);
    Object.assign(policies.admission, layer.admission);
    if (layer.concurrency !== undefined) policies.concurrency = layer.concurrency;
    if (layer.timeoutMs !== undefined) policies.timeoutMs = layer.timeoutMs;
  }
  positiveInteger(policies.breaker.failureThreshold, "breaker.failureThreshold", owner);
  positiveInteger(policies.breaker.resetTimeoutMs, "breaker.resetTimeoutMs", owner);
  if (!BREAKER_SCOPES.includes(policies.breaker.scope)) {
    throw new ConfigurationError(`${owner}: breaker.scope must be one of ${BREAKER_SCOPES.map((scope) => `"${scope}"`).join(", ")}, got ${JSON.stringify(policies.breaker.scope)}.`);
  }
  positiveInteger(policies.breaker.maxOrganizations, "breaker.maxOrganizations", owner);
  positiveInteger(policies.retry.attempts, "retry.attempts", owner);
  positiveInteger(policies.retry.baseDelayMs, "retry.baseDelayMs", owner, 0);
  positiveInteger(policies.retry.maxDelayMs, "retry.maxDelayMs", owner, 0);
  positiveInteger(policies.admission.limit, "admission.limit", owner);
  positiveInteger(policies.admission.windowMs, "admission.windowMs", owner);
  positiveInteger(policies.timeoutMs, "timeoutMs", owner);
  if (policies.concurrency) {
    positiveInteger(policies.concurrency.maxConcurrent, "concurrency.maxConcurrent", owner);
    positiveInteger(policies.concurrency.maxQueued, "concurrency.maxQueued", owner, 0);
  }
  return policies;
}
