import { ValidationError } from "../errors/errors.js";
import type { ListDueSchedulesInput, ListSchedulesQuery } from "../ports/schedule-store.js";

/** Largest page of {@link ListSchedulesQuery}. */
export const MAX_SCHEDULES_PAGE = 500;
/** Largest batch of {@link ListDueSchedulesInput}. */
export const MAX_DUE_SCHEDULES_BATCH = 1_000;

/**
 * Checks the page size of a schedule listing, as every adapter does before it reads.
 * @throws ValidationError when `limit` is not an integer from 1 to 500.
 */
export function validateListSchedulesQuery(query: ListSchedulesQuery): void {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_SCHEDULES_PAGE) {
    throw new ValidationError(`limit must be an integer from 1 to ${MAX_SCHEDULES_PAGE}.`, [{ path: "limit", message: `Must be from 1 to ${MAX_SCHEDULES_PAGE}` }]);
  }
}

/**
 * Checks the batch size of a due-schedule listing.
 * @throws ValidationError when `limit` is not an integer from 1 to 1,000.
 */
export function validateListDueSchedules(input: ListDueSchedulesInput): void {
  if (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > MAX_DUE_SCHEDULES_BATCH) {
    throw new ValidationError(`limit must be an integer from 1 to ${MAX_DUE_SCHEDULES_BATCH}.`, [{ path: "limit", message: `Must be from 1 to ${MAX_DUE_SCHEDULES_BATCH}` }]);
  }
}
