import type { FieldError } from "../errors/errors.js";
import type { CreateApiKeyInput } from "../ports/api-key-store.js";
import { addTextProblems, refuseProblems } from "./store-text-checks.js";

/**
 * Refuses a key no API key store should keep: a NUL character or an unpaired UTF-16 surrogate in any of its texts (id,
 * organization, user, name, prefix, hash, each scope), which PostgreSQL would refuse or keep changed into U+FFFD.
 * `ApiKeyStore` adapters call it in `create` before writing, so that every store refuses the same keys.
 * @throws ValidationError naming every such field (`scopes.1`), never retryable.
 */
export function validateApiKeyInput(input: CreateApiKeyInput): void {
  const problems: FieldError[] = [];
  const { id, organizationId, userId, name, prefix, keyHash } = input;
  addTextProblems({ id, organizationId, userId, name, prefix, keyHash }, problems);
  addTextProblems(Object.fromEntries(input.scopes.map((scope, index) => [`scopes.${index}`, scope])), problems);
  refuseProblems("API key", problems);
}

/**
 * Refuses the texts an API key store call looks keys up by (`keyHash` of `findByHash`, `organizationId` and `id` of
 * `revoke`, `organizationId` of `list`) when one holds a NUL character or an unpaired UTF-16 surrogate, which no
 * stored text holds: PostgreSQL refuses a query holding NUL, and compares a surrogate changed into U+FFFD. Adapters
 * call it first in those calls.
 * @throws ValidationError naming every such field, never retryable.
 */
export function validateApiKeyLookup(texts: { keyHash?: string; organizationId?: string; id?: string }): void {
  const problems: FieldError[] = [];
  addTextProblems(texts, problems);
  refuseProblems("API key", problems, "looked up");
}
