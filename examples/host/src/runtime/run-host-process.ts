import { isNeonhubError } from "@neonhub/core";
import { loadHostConfig } from "../config/host-config.js";
import { createHostLogger } from "./create-logger.js";
import { type HostExtensions, startHost } from "./start-host.js";

/** Extra time after the drain deadline before a stuck shutdown is cut short. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * The host as a process: configuration from the environment, started with `extensions`, drained on SIGTERM or
 * SIGINT. A start-up failure is printed without a stack (the operator's to fix) and exits with 1.
 * @example
 * await runHostProcess({ connectors: [airtableConnector] });
 */
export async function runHostProcess(extensions: HostExtensions = {}): Promise<void> {
  try {
    const config = loadHostConfig();
    const logger = createHostLogger(config);
    const host = await startHost(config, logger, undefined, extensions);
    let signalled = false;
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.on(signal, () => {
        if (signalled) return;
        signalled = true;
        logger.info({ signal, deadlineMs: config.shutdownDeadlineMs }, "shutting down: no new requests, draining runs");
        setTimeout(() => {
          logger.error({}, "shutdown took too long; exiting");
          process.exit(1);
        }, config.shutdownDeadlineMs + SHUTDOWN_GRACE_MS).unref();
        host.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, "shutdown failed");
            process.exit(1);
          },
        );
      });
    }
  } catch (error) {
    // Configuration and start-up problems are the operator's to fix: say what is wrong, without a stack.
    const message = isNeonhubError(error) ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`NeonHub host failed to start: ${message}\n`);
    process.exit(1);
  }
}
