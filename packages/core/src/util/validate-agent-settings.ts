import { ValidationError, type FieldError } from "../errors/errors.js";
import type { PutAgentSettingsInput } from "../ports/agent-settings-store.js";
import { isStorableDate, storableTextProblem, storableValueProblems } from "./storable-value.js";

/** Largest settings object, as JSON text: settings are a few thresholds, not data. */
export const MAX_AGENT_SETTINGS_BYTES = 16 * 1_024;

/** Refuses a settings write no store should take; adapters call it before writing. */
export function validatePutAgentSettings(input: PutAgentSettingsInput): void {
  const problems: FieldError[] = [];
  for (const field of ["organizationId", "agentName", "updatedBy"] as const) {
    // PostgreSQL refuses NUL in a text column and would keep an unpaired surrogate changed: checked here so that every
    // store refuses both alike.
    const problem = input[field].length === 0 ? "Must not be empty" : storableTextProblem(input[field]);
    if (problem !== null) problems.push({ path: field, message: problem });
  }
  if (!isStorableDate(input.updatedAt)) problems.push({ path: "updatedAt", message: "Must be a valid date from year 1 to 9999" });
  if (input.expectedVersion !== undefined && (!Number.isSafeInteger(input.expectedVersion) || input.expectedVersion < 0)) {
    problems.push({ path: "expectedVersion", message: "Must be an integer from 0" });
  }
  const values: unknown = input.values;
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    problems.push({ path: "values", message: "Must be a JSON object" });
  } else {
    const valueProblems = storableValueProblems(values, "values");
    problems.push(...valueProblems);
    if (valueProblems.length === 0 && Buffer.byteLength(JSON.stringify(values)) > MAX_AGENT_SETTINGS_BYTES) {
      problems.push({ path: "values", message: `Must be at most ${MAX_AGENT_SETTINGS_BYTES} bytes as JSON` });
    }
  }
  if (problems.length > 0) throw new ValidationError("The agent settings cannot be stored.", problems);
}
