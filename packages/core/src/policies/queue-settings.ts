import { ConfigurationError } from "../errors/errors.js";
import { isRecord } from "../util/unknown-keys.js";
import { refuseUnknownOptions } from "./check-policy-overrides.js";
import type { QueueRateLimit, QueueSettings } from "../ports/run-queue.js";

/** Jobs of one queue executing at once when its settings give no concurrency. */
export const DEFAULT_QUEUE_CONCURRENCY = 8;
/** Named queues one run queue serves at most: names come from agent definitions, not from requests. */
export const MAX_NAMED_QUEUES = 256;
const QUEUE_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const LOWEST_PRIORITY = 1_000;

/** {@link QueueSettings} with every default filled in and every value checked. */
export interface ResolvedQueueSettings {
  concurrency: number;
  rateLimit: Required<QueueRateLimit> | null;
  keepCompleted: number | null;
  keepFailed: number | null;
  priority: number | null;
}

const SETTINGS_KEYS: ReadonlySet<string> = new Set(["concurrency", "rateLimit", "keepCompleted", "keepFailed", "priority"]);
const RATE_LIMIT_KEYS: ReadonlySet<string> = new Set(["limit", "windowMs", "per"]);

const isPositiveInteger = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1;
const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;

/**
 * Checks a queue name: lower-case letters, digits, `.`, `_` and `-`, 1 to 100 characters (no `:`, which BullMQ
 * keeps for its keys).
 * @throws ConfigurationError when the name is not one.
 */
export function assertQueueName(name: unknown): asserts name is string {
  if (typeof name !== "string" || !QUEUE_NAME.test(name)) {
    throw new ConfigurationError(`Invalid queue name ${JSON.stringify(name)}: use 1 to 100 lower-case letters, digits, ".", "_" and "-".`);
  }
}

/**
 * Fills the defaults of a named queue's settings and checks them.
 * @throws ConfigurationError on a value out of range, or a key the settings do not have, naming it.
 */
export function resolveQueueSettings(name: string, settings: QueueSettings = {}, defaultConcurrency = DEFAULT_QUEUE_CONCURRENCY): ResolvedQueueSettings {
  assertQueueName(name);
  const fail = (field: string, rule: string) => new ConfigurationError(`Queue "${name}": ${field} must be ${rule}.`);
  // A misspelled setting would leave its default in place: eight jobs at once, or no rate limit.
  const given: unknown = settings;
  if (!isRecord(given)) throw fail("its settings", "an object");
  refuseUnknownOptions(`Queue "${name}"`, "", "a queue", given, SETTINGS_KEYS);
  if (given.rateLimit !== undefined) {
    if (!isRecord(given.rateLimit)) throw fail("rateLimit", "an object");
    refuseUnknownOptions(`Queue "${name}"`, "rateLimit", "a queue", given.rateLimit, RATE_LIMIT_KEYS);
  }
  const concurrency = settings.concurrency ?? defaultConcurrency;
  if (!isPositiveInteger(concurrency)) throw fail("concurrency", "a positive integer");
  const { rateLimit, keepCompleted, keepFailed, priority } = settings;
  if (rateLimit !== undefined) {
    if (!isPositiveInteger(rateLimit.limit)) throw fail("rateLimit.limit", "a positive integer");
    if (!isPositiveInteger(rateLimit.windowMs)) throw fail("rateLimit.windowMs", "a positive integer");
    if (rateLimit.per !== undefined && rateLimit.per !== "queue" && rateLimit.per !== "organization") throw fail("rateLimit.per", `"queue" or "organization"`);
  }
  if (keepCompleted !== undefined && !isCount(keepCompleted)) throw fail("keepCompleted", "a non-negative integer");
  if (keepFailed !== undefined && !isCount(keepFailed)) throw fail("keepFailed", "a non-negative integer");
  if (priority !== undefined && !(isPositiveInteger(priority) && priority <= LOWEST_PRIORITY)) throw fail("priority", `an integer from 1 to ${LOWEST_PRIORITY}`);
  return {
    concurrency,
    rateLimit: rateLimit === undefined ? null : { limit: rateLimit.limit, windowMs: rateLimit.windowMs, per: rateLimit.per ?? "queue" },
    keepCompleted: keepCompleted ?? null,
    keepFailed: keepFailed ?? null,
    priority: priority ?? null,
  };
}
