import type { LogFields, Logger } from "../ports/logger.js";
import type { Redactor } from "./redactor.js";
import { silentLogger } from "./silent-logger.js";

/** Wraps a logger so that every field and message passes through the redactor first. */
export function createRedactingLogger(logger: Logger, redactor: Redactor): Logger {
  if (logger === silentLogger) return logger;
  const write =
    (level: "debug" | "info" | "warn" | "error") =>
    (fields: LogFields, message?: string): void => {
      logger[level](redactor.redact(fields) as LogFields, message === undefined ? undefined : redactor.redactText(message));
    };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (bindings) => createRedactingLogger(logger.child(redactor.redact(bindings) as LogFields), redactor),
  };
}
