import { ValidationError } from "../errors/errors.js";

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
