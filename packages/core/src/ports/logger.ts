/** Structured fields of a log line. */
export type LogFields = Record<string, unknown>;

/** A structured logger with pino's call shape (`logger.info({ runId }, "message")`). */
export interface Logger {
  debug(fields: LogFields, message?: string): void;
  info(fields: LogFields, message?: string): void;
  warn(fields: LogFields, message?: string): void;
  error(fields: LogFields, message?: string): void;
  /** A logger that adds `bindings` to every line. */
  child(bindings: LogFields): Logger;
}
