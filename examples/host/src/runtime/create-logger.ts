import { pino, type Logger as PinoLogger } from "pino";
import type { HostConfig } from "../config/host-config.js";

/** The process logger: JSON lines on standard output, with credentials removed from request logs. */
export function createHostLogger(config: Pick<HostConfig, "logLevel">): PinoLogger {
  return pino({
    level: config.logLevel,
    name: "neonhub-host",
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", "headers.authorization"], censor: "[REDACTED]" },
  });
}
