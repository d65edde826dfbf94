import type { Logger } from "../ports/logger.js";

/**
 * Wraps a `mayClaimByClock` check so that the work it guards logs once when it stops and once when it starts again,
 * rather than at every skipped pass. A check that throws counts as "may not claim": taking work over by a clock that
 * cannot be vouched for is what the check is there to prevent.
 */
export function createClaimGate(mayClaimByClock: (() => boolean) | undefined, logger: Logger, work: string): () => boolean {
  if (mayClaimByClock === undefined) return () => true;
  let paused = false;
  return () => {
    let allowed: boolean;
    try {
      allowed = mayClaimByClock() === true;
    } catch (error) {
      logger.warn({ work, error }, "the clock check failed; counted as a clock not to claim by");
      allowed = false;
    }
    if (!allowed && !paused) logger.warn({ work }, `${work} paused: this process's clock is not trusted (skewed from the database's)`);
    if (allowed && paused) logger.info({ work }, `${work} resumed: this process's clock is trusted again`);
    paused = !allowed;
    return allowed;
  };
}
