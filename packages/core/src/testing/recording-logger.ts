import type { LogFields, Logger } from "../ports/logger.js";

/** One line written to a {@link RecordingLogger}. */
export interface RecordedLogLine {
  level: "debug" | "info" | "warn" | "error";
  fields: LogFields;
  message: string | undefined;
}

/** A logger that keeps every line (children write to the same list, with their bindings merged). */
export interface RecordingLogger extends Logger {
  readonly lines: RecordedLogLine[];
}

/** Creates a logger that records its lines, to assert on. */
export function createRecordingLogger(lines: RecordedLogLine[] = [], bindings: LogFields = {}): RecordingLogger {
  const write =
    (level: RecordedLogLine["level"]) =>
    (fields: LogFields, message?: string): void =>
      void lines.push({ level, fields: { ...bindings, ...fields }, message });
  return {
    lines,
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (extra) => createRecordingLogger(lines, { ...bindings, ...extra }),
  };
}
