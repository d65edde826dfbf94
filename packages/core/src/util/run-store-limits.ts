import { ValidationError } from "../errors/errors.js";
import type { DeleteEndedRunsInput } from "../ports/run-store.js";

/** The most runs one `listQueuedRuns` call returns. */
export const MAX_QUEUED_RUNS_PAGE = 1_000;

/**
 * Checks the `limit` of a `listQueuedRuns` call, for every store alike.
 * @throws ValidationError when it is not an integer from 1 to {@link MAX_QUEUED_RUNS_PAGE}.
 */
export function checkQueuedRunsLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_QUEUED_RUNS_PAGE) {
    throw new ValidationError(`limit must be an integer from 1 to ${MAX_QUEUED_RUNS_PAGE}.`, [{ path: "limit", message: `Must be from 1 to ${MAX_QUEUED_RUNS_PAGE}` }]);
  }
  return limit;
}

/** The most runs one `deleteEndedRuns` call deletes. */
export const MAX_DELETED_RUNS_BATCH = 1_000;

/**
 * Checks a `deleteEndedRuns` call, for every store alike.
 * @throws ValidationError when `limit` is not an integer from 1 to {@link MAX_DELETED_RUNS_BATCH}, or
 * `createdBefore` is not a valid date.
 */
export function checkDeleteEndedRuns(input: DeleteEndedRunsInput): DeleteEndedRunsInput {
  if (!Number.isInteger(input?.limit) || input.limit < 1 || input.limit > MAX_DELETED_RUNS_BATCH) {
    throw new ValidationError(`limit must be an integer from 1 to ${MAX_DELETED_RUNS_BATCH}.`, [{ path: "limit", message: `Must be from 1 to ${MAX_DELETED_RUNS_BATCH}` }]);
  }
  if (!(input.createdBefore instanceof Date) || Number.isNaN(input.createdBefore.getTime())) {
    throw new ValidationError("createdBefore must be a valid date.", [{ path: "createdBefore", message: "Must be a valid date" }]);
  }
  return input;
}
