import { ERROR_CODES } from "./error-codes.js";
import type { FieldError } from "./errors.js";
import { NeonhubError, type NeonhubErrorOptions } from "./neonhub-error.js";

/**
 * A schedule's cron expression, time zone or catch-up policy is not valid, or it would fire more often than once a
 * minute or never. Carries field errors in `details.fieldErrors`, like a validation error.
 */
export class InvalidScheduleError extends NeonhubError {
  readonly fieldErrors: FieldError[];
  constructor(message: string, fieldErrors: FieldError[], options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.INVALID_SCHEDULE, message, { ...options, details: { ...options.details, fieldErrors } });
    this.name = "InvalidScheduleError";
    this.fieldErrors = fieldErrors;
  }
}

/** No schedule with that id exists in the caller's organization. */
export class ScheduleNotFoundError extends NeonhubError {
  constructor(scheduleId: string, options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.SCHEDULE_NOT_FOUND, `Schedule "${scheduleId}" was not found.`, options);
    this.name = "ScheduleNotFoundError";
  }
}
