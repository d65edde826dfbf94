import { ConfigurationError } from "../errors/errors.js";
import { checkPolicyOverrides, refuseUnknownOptions, shownValue } from "../policies/check-policy-overrides.js";
import { assertQueueName } from "../policies/queue-settings.js";
import { isRecord } from "../util/unknown-keys.js";

const AGENT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** The keys of an `AgentDefinition`. */
const DEFINITION_KEYS: ReadonlySet<string> = new Set(["name", "version", "description", "kind", "input", "output", "queue", "policies", "handle"]);

/**
 * Checks what the types of an agent definition say, for definitions built without them (JavaScript, configuration,
 * `as any`): its keys, the type of each value, and its policy overrides. A key the definition does not have is
 * refused rather than ignored: a misspelled policy would otherwise leave its default in place.
 * @throws ConfigurationError naming the agent, the option by its path (`policies.retry.attempts`) and what is allowed.
 */
export function checkAgentDefinition(definition: unknown): void {
  if (!isRecord(definition)) throw new ConfigurationError("An agent must be an object.");
  const { name } = definition;
  if (typeof name !== "string" || !AGENT_NAME.test(name)) {
    throw new ConfigurationError(`Agent name "${String(name)}" is invalid: use 1 to 64 lower-case letters, digits, "-" or "_".`);
  }
  const owner = `Agent "${name}"`;
  refuseUnknownOptions(owner, "", "an agent", definition, DEFINITION_KEYS);
  if (typeof definition.handle !== "function") throw new ConfigurationError(`${owner} has no handle function.`);
  const { input, output } = definition as { input?: { safeParse?: unknown }; output?: { safeParse?: unknown } };
  if (typeof input?.safeParse !== "function" || typeof output?.safeParse !== "function") {
    throw new ConfigurationError(`${owner} needs zod schemas for input and output.`);
  }
  if (typeof definition.version !== "string" || definition.version.length === 0) throw new ConfigurationError(`${owner} needs a version.`);
  if (typeof definition.description !== "string") throw new ConfigurationError(`${owner}: description must be a string, got ${shownValue(definition.description)}.`);
  if (definition.kind !== undefined && typeof definition.kind !== "string") throw new ConfigurationError(`${owner}: kind must be a string, got ${shownValue(definition.kind)}.`);
  if (definition.queue !== undefined) assertQueueName(definition.queue);
  checkPolicyOverrides(owner, "policies", definition.policies);
}
