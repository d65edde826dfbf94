import { isNeonhubError } from "@neonhub/core";
import { loadHostConfig } from "./config/host-config.js";
import { createHostLogger } from "./runtime/create-logger.js";
import { startHost } from "./runtime/start-host.js";

/** Extra time after the drain deadline before a stuck shutdown is cut short. */
const SHUTDOWN_GRACE_MS = 5_000;

async function main(): Promise<void> {
  const config = loadHostConfig();
  const logger = createHostLogger(config);
  const host = await startHost(config, logger);
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
}

main().catch((error: unknown) => {
  // Configuration and start-up problems are the operator's to fix: say what is wrong, without a stack.
  const message = isNeonhubError(error) ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`NeonHub host failed to start: ${message}\n`);
  process.exit(1);
});
