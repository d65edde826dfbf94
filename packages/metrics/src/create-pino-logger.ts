import { ConfigurationError, type Logger } from "@neonhub/core";
import { pino } from "pino";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Options of {@link createPinoLogger}. */
export interface PinoLoggerOptions {
  /** Lowest level written: `fatal`, `error`, `warn`, `info` (default), `debug`, `trace` or `silent`. */
  level?: string;
  /** Written as `name` on every line (for example the service name). */
  name?: string;
  /** Fields written on every line. Default: pid and hostname, as pino does. */
  base?: Record<string, unknown>;
  /** Where the JSON lines go. Default standard output. */
  destination?: { write(line: string): unknown };
}

/**
 * A structured JSON logger (pino) behind core's Logger port: one JSON object per line with `level`, `time`, `msg`
 * and the fields given. The orchestrator wraps whatever logger it gets with secret redaction.
 * @example
 * const logger = createPinoLogger({ level: process.env.LOG_LEVEL ?? "info", name: "neonhub" });
 * const orchestrator = createOrchestrator({ agents, logger });
 */
export function createPinoLogger(options: PinoLoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigurationError(`Log level "${level}" is invalid; use one of ${LOG_LEVELS.join(", ")}.`);
  }
  const settings = {
    level,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.base === undefined ? {} : { base: options.base }),
  };
  const logger: Logger = options.destination === undefined ? pino(settings) : pino(settings, options.destination);
  return logger;
}
