import { ConfigurationError, MAX_TIMER_DELAY_MS } from "@neonhub/core";
import type { ConnectorDefinition } from "./connector-definition.js";
import { shownValue, unknownOptionSentence } from "./option-values.js";

/** What a value must be, or undefined when it is one. */
type Rule = (value: unknown) => string | undefined;
type Fields = Readonly<Record<string, Rule>>;

const any: Rule = () => undefined;
const integerBetween =
  (minimum: number, maximum = Number.MAX_SAFE_INTEGER): Rule =>
  (value) =>
    Number.isInteger(value) && (value as number) >= minimum && (value as number) <= maximum ? undefined : maximum === Number.MAX_SAFE_INTEGER ? `an integer of at least ${minimum}` : `an integer from ${minimum} to ${maximum}`;
const text: Rule = (value) => (typeof value === "string" && value.trim() !== "" ? undefined : "a non-empty string");
const oneOf =
  (...values: string[]): Rule =>
  (value) =>
    values.includes(value as string) ? undefined : `one of ${values.map((entry) => `"${entry}"`).join(", ")}`;
const absoluteUrl: Rule = (value) => (typeof value === "string" && URL.canParse(value) ? undefined : "an absolute URL");
const fn: Rule = (value) => (typeof value === "function" ? undefined : "a function");
const texts: Rule = (value) => (Array.isArray(value) && value.every((entry) => typeof entry === "string") ? undefined : "an array of strings");
const textRecord: Rule = (value) =>
  typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((entry) => typeof entry === "string") ? undefined : "an object of strings";

// The durations a breaker or a retry waits in one Node.js timer, which fires after 1 ms past this bound.
const timerDelay = integerBetween(0, MAX_TIMER_DELAY_MS);

const CREDENTIAL_HEADERS: Fields = { credentialHeaders: textRecord };
const AUTH_FIELDS: Readonly<Record<string, Fields>> = {
  none: {},
  api_key: { in: oneOf("header", "query"), name: text, field: text, prefix: any },
  bearer: { field: text },
  basic: { usernameField: text, passwordField: text },
  oauth2: {
    tokenUrl: absoluteUrl,
    refreshBeforeMs: integerBetween(0),
    clientAuthentication: oneOf("body", "basic"),
    clientIdParameter: text,
    authorizationUrl: absoluteUrl,
    scopes: texts,
    authorizationParameters: textRecord,
    revocationUrl: absoluteUrl,
    issuer: text,
  },
};
const REQUIRED_AUTH_FIELDS: Readonly<Record<string, readonly string[]>> = { api_key: ["in", "name"], oauth2: ["tokenUrl"] };

const POLICY_FIELDS: Readonly<Record<string, Fields>> = {
  rateLimit: { requests: integerBetween(1), intervalMs: integerBetween(1), minTimeMs: integerBetween(0), maxConcurrent: integerBetween(1) },
  keyedPacing: { minTimeMs: integerBetween(1), key: fn },
  retry: { attempts: integerBetween(1), baseDelayMs: timerDelay, maxDelayMs: timerDelay, maxRetryAfterMs: timerDelay },
  breaker: { failureThreshold: integerBetween(1), resetTimeoutMs: integerBetween(1, MAX_TIMER_DELAY_MS) },
};
const REQUIRED_POLICY_FIELDS: Readonly<Record<string, readonly string[]>> = { keyedPacing: ["minTimeMs", "key"] };

const DEFINITION_KEYS = new Set(["id", "kind", "displayName", "description", "baseUrl", "baseUrlFrom", "auth", "rateLimit", "keyedPacing", "retry", "breaker", "timeoutMs", "mapResponse", "apiVersion", "connectionTest", "revocation", "actions"]);
const ACTION_KEYS = new Set(["description", "input", "output", "repeatSafety", "keyRetentionMs", "docsUrl", "endpoint", "paging", "run", "fixture"]);

function refuseUnknownKeys(where: string, path: string, value: object, allowed: ReadonlySet<string>): void {
  const unknown = unknownOptionSentence(value, allowed, path);
  if (unknown !== undefined) throw new ConfigurationError(`${where}: ${unknown.sentence}.`);
}

function checkFields(where: string, path: string, value: unknown, fields: Fields, required: readonly string[] = []): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ConfigurationError(`${where}: ${path} must be an object, got ${shownValue(value)}.`);
  refuseUnknownKeys(where, `${path}.`, value, new Set(Object.keys(fields)));
  for (const [key, rule] of Object.entries(fields)) {
    const field = (value as Record<string, unknown>)[key];
    if (field === undefined && !required.includes(key)) continue;
    const problem = rule(field);
    if (problem !== undefined) throw new ConfigurationError(`${where}: ${path}.${key} must be ${problem}, got ${shownValue(field)}.`);
  }
}

/**
 * Checks, at definition, the options of a connector that only the types check: keys it does not have (a misspelled
 * `timeOutMs` would leave the default in place), the fields of its auth for its type, its pacing, retry, breaker
 * and timeout values, that `mapResponse` is a function, and that a `baseUrlFrom` is a function of a connector that
 * authenticates. Plugin authors write
 * in TypeScript, but a connector built from configuration is not.
 * @throws ConfigurationError naming the connector and the option by its path.
 */
export function checkConnectorOptions(definition: ConnectorDefinition): void {
  const where = `Connector "${definition.id}"`;
  refuseUnknownKeys(where, "", definition, DEFINITION_KEYS);
  const { type, credentialHeaders: _headers, ...auth } = definition.auth;
  const fields = AUTH_FIELDS[type] as Fields;
  checkFields(where, "auth", auth, fields, REQUIRED_AUTH_FIELDS[type]);
  checkFields(where, "auth", { credentialHeaders: definition.auth.credentialHeaders }, CREDENTIAL_HEADERS);
  for (const [policy, policyFields] of Object.entries(POLICY_FIELDS)) {
    const value = (definition as unknown as Record<string, unknown>)[policy];
    if (value !== undefined) checkFields(where, policy, value, policyFields, REQUIRED_POLICY_FIELDS[policy]);
  }
  if (definition.baseUrlFrom !== undefined) {
    const problem = fn(definition.baseUrlFrom);
    if (problem !== undefined) throw new ConfigurationError(`${where}: baseUrlFrom must be ${problem}, got ${shownValue(definition.baseUrlFrom)}.`);
    // Only a connector that authenticates has a connection, whose credentials baseUrlFrom reads.
    if (type === "none") throw new ConfigurationError(`${where}: baseUrlFrom reads a connection's credentials, and a connector with auth type "none" has no connection; set baseUrl instead.`);
  }
  // Called on every live response: a mapper that is no function would fail each call as a bug in the connector.
  if (definition.mapResponse !== undefined && fn(definition.mapResponse) !== undefined) {
    throw new ConfigurationError(`${where}: mapResponse must be a function, got ${shownValue(definition.mapResponse)}.`);
  }
  const timeoutProblem = definition.timeoutMs === undefined ? undefined : integerBetween(1)(definition.timeoutMs);
  if (timeoutProblem !== undefined) throw new ConfigurationError(`${where}: timeoutMs must be ${timeoutProblem}, got ${shownValue(definition.timeoutMs)}.`);
  for (const [name, action] of Object.entries(definition.actions)) {
    if (typeof action !== "object" || action === null) throw new ConfigurationError(`${where} action "${name}" must be an object, got ${shownValue(action)}.`);
    refuseUnknownKeys(`${where} action "${name}"`, "", action, ACTION_KEYS);
  }
}
