import { join } from "node:path";
import { ConfigurationError } from "@neonhub/core";
import lockfile from "proper-lockfile";

/** The lock's name inside the data folder; PGlite ignores entries it does not know. */
export const EMBEDDED_LOCK_NAME = "neonhub.lock";

/** A claim not refreshed for this long is taken for one of a process that ended without releasing it (SIGKILL, a crash). */
export const EMBEDDED_LOCK_STALE_MS = 10_000;

/** How long an open waits by default for another process's claim to be released or to lapse. */
export const DEFAULT_EMBEDDED_LOCK_WAIT_MS = EMBEDDED_LOCK_STALE_MS + 2_000;

const RETRY_INTERVAL_MS = 1_000;

/**
 * Claims a data folder against other processes: PGlite does not refuse a folder another process has open, and two
 * instances on one folder corrupt it. The claim is a directory created atomically in the folder, whose time its
 * holder refreshes every 5 s and removes when it closes or exits; a claim left by a process that was killed lapses
 * after {@link EMBEDDED_LOCK_STALE_MS}, and an open waits up to `waitMs` for that.
 * @returns the claim's release.
 * @throws ConfigurationError when another process still holds the folder after `waitMs`.
 */
export async function lockEmbeddedFolder(folder: string, dataDir: string, waitMs: number): Promise<() => Promise<void>> {
  const retries = Math.ceil(waitMs / RETRY_INTERVAL_MS);
  try {
    const release = await lockfile.lock(folder, {
      lockfilePath: join(folder, EMBEDDED_LOCK_NAME),
      realpath: false,
      stale: EMBEDDED_LOCK_STALE_MS,
      retries: { retries, factor: 1, minTimeout: RETRY_INTERVAL_MS, maxTimeout: RETRY_INTERVAL_MS },
      // Another process took the claim (this one stalled past the stale time) or the lock was deleted: nothing can
      // be done safely from a timer, so the operator is told.
      onCompromised: (error) => process.emitWarning(`The claim on the embedded database in ${dataDir} was lost: ${error.message}. Another process may open the folder.`, { code: "NEONHUB_EMBEDDED_LOCK_LOST" }),
    });
    return async () => {
      // Released already when the claim was lost.
      await release().catch(() => undefined);
    };
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ELOCKED") throw error;
    throw new ConfigurationError(
      `The embedded database in ${dataDir} is open in another process: stop that process (the host, a worker, a CLI command) before opening it here, or use PostgreSQL to share one database between processes. A process that was killed leaves a claim that lapses within ${EMBEDDED_LOCK_STALE_MS / 1_000} s.`,
      { cause: error },
    );
  }
}
