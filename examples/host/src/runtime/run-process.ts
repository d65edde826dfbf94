import { isNeonhubError } from "@neonhub/core";
import type { Logger as PinoLogger } from "pino";
import { loadHostConfig, type HostConfig } from "../config/host-config.js";
import { createHostLogger } from "./create-logger.js";

/** Extra time after the drain deadline before a stuck shutdown is cut short. */
const SHUTDOWN_GRACE_MS = 5_000;

/** What a process entry starts: anything that stops gracefully. */
export type StartProcess = (config: HostConfig, logger: PinoLogger) => Promise<{ stop(): Promise<void> }>;

/**
 * Runs a host process (the API host or a worker): reads the configuration, starts it, and on SIGTERM or SIGINT
 * stops it gracefully, exiting 1 if that takes longer than the drain deadline allows. Start-up problems are
 * printed without a stack when they are the operator's to fix.
 */
export function runProcess(name: string, start: StartProcess, environment: Record<string, string | undefined> = process.env): void {
  const main = async () => {
    const config = loadHostConfig(environment);
    const logger = createHostLogger(config);
    const running = await start(config, logger);
    let signalled = false;
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.on(signal, () => {
        if (signalled) return;
        signalled = true;
        logger.info({ signal, deadlineMs: config.shutdownDeadlineMs }, "shutting down: no new work, draining runs");
        setTimeout(() => {
          logger.error({}, "shutdown took too long; exiting");
          process.exit(1);
        }, config.shutdownDeadlineMs + SHUTDOWN_GRACE_MS).unref();
        running.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, "shutdown failed");
            process.exit(1);
          },
        );
      });
    }
  };
  main().catch((error: unknown) => {
    const message = isNeonhubError(error) ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`NeonHub ${name} failed to start: ${message}\n`);
    process.exit(1);
  });
}
