import type { ConnectionCredentials } from "@neonhub/core";
import { credentialSecretValues } from "../auth/secret-values.js";
import type { PreparedCall } from "./invoke-action.js";

/**
 * Takes a connection refreshed during the call: later attempts use its tokens, and its new secret values are
 * redacted like the old ones, by the call's redactor and by whoever records the call from `secretValues` when it
 * ends (the run's `ToolExecution`).
 */
export function useRefreshedConnection(prepared: PreparedCall, refreshed: ConnectionCredentials): void {
  const added = credentialSecretValues(refreshed.credentials).filter((value) => !prepared.secretValues.includes(value));
  prepared.connection = refreshed;
  prepared.secretValues.push(...added);
  prepared.redactor = prepared.redactor.withValues(added);
}
