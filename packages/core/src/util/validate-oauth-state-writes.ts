import { type FieldError, ValidationError } from "../errors/errors.js";
import type { OAuthCompletion, OAuthGrantRecord, OAuthStateRecord } from "../ports/oauth-state-store.js";
import { addTextProblems, refuseProblems } from "./store-text-checks.js";

const COMPLETIONS: ReadonlySet<string> = new Set<OAuthCompletion>(["callback", "confirm"]);

/**
 * Refuses a pending authorization no OAuth state store should keep: a NUL character or an unpaired UTF-16 surrogate
 * in its state, organization, user, connector, redirect URI or return URL, which PostgreSQL would refuse or keep
 * changed into U+FFFD (and a state's SHA-256 would hash a surrogate as U+FFFD), or a completion other than `callback`
 * and `confirm`. The PKCE verifier passes whatever it holds: adapters seal it. `OAuthStateStore` adapters call it in
 * `create` before writing.
 * @throws ValidationError naming every such field, never retryable.
 */
export function validateOAuthStateRecord(record: OAuthStateRecord): void {
  const problems: FieldError[] = [];
  const { state, organizationId, userId, connector, redirectUri, returnUrl } = record;
  addTextProblems({ state, organizationId, userId, connector, redirectUri, returnUrl }, problems);
  if (!COMPLETIONS.has(record.completion)) problems.push({ path: "completion", message: `Must be one of ${[...COMPLETIONS].join(", ")}` });
  refuseProblems("authorization state", problems);
}

/**
 * Refuses a grant no OAuth state store should keep: a NUL character or an unpaired UTF-16 surrogate in the grant, its
 * organization, user or connector. The tokens pass whatever they hold: adapters seal them. Adapters call it in
 * `createGrant` before writing.
 * @throws ValidationError naming every such field, never retryable.
 */
export function validateOAuthGrantRecord(record: OAuthGrantRecord): void {
  const problems: FieldError[] = [];
  const { grant, organizationId, userId, connector } = record;
  addTextProblems({ grant, organizationId, userId, connector }, problems);
  refuseProblems("authorization grant", problems);
}

/**
 * Refuses the state of `consume` or the grant of `consumeGrant` when it holds a NUL character or an unpaired UTF-16
 * surrogate, which no kept state or grant holds: a surrogate would be hashed as U+FFFD, finding the record of a state
 * that holds U+FFFD. Adapters call it first in those calls.
 * @throws ValidationError naming the field, never retryable.
 */
export function validateOAuthLookup(texts: { state: string } | { grant: string }): void {
  const problems: FieldError[] = [];
  addTextProblems(texts, problems);
  refuseProblems("state" in texts ? "authorization state" : "authorization grant", problems, "looked up");
}

/** The most grants one `OAuthStateStore.consumeExpiredGrants` call removes. */
export const MAX_EXPIRED_GRANTS_BATCH = 1_000;

/**
 * Checks a `consumeExpiredGrants` call, as every adapter does before it removes anything.
 * @throws ValidationError naming `now` when it is not a valid date, and `limit` when it is not an integer from 1 to
 * {@link MAX_EXPIRED_GRANTS_BATCH}; never retryable.
 */
export function validateConsumeExpiredGrants(now: Date, limit: number): void {
  const problems: FieldError[] = [];
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) problems.push({ path: "now", message: "Must be a valid date" });
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EXPIRED_GRANTS_BATCH) problems.push({ path: "limit", message: `Must be an integer from 1 to ${MAX_EXPIRED_GRANTS_BATCH}` });
  if (problems.length > 0) throw new ValidationError(`The sweep of expired authorization grants was refused: ${problems.map((problem) => `${problem.path} ${problem.message.toLowerCase()}`).join("; ")}.`, problems);
}
