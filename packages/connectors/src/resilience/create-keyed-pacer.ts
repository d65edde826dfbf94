import { BoundedMap, type Clock } from "@neonhub/core";

/** Spaces calls that share a key (a Slack channel, a Shopify store) by a minimum interval. */
export interface KeyedPacer {
  /** Resolves when a call with this key may start; reserves its slot at once, so callers queue in order. */
  wait(key: string, signal: AbortSignal): Promise<void>;
}

/**
 * A pacer that remembers, per key, when the next call may start: no queue and no timer for a key that is not
 * busy, one clock sleep for a call that must wait. At most `maxKeys` keys are remembered (the oldest go first).
 */
export function createKeyedPacer(options: { clock: Clock; minTimeMs: number; maxKeys?: number }): KeyedPacer {
  const nextStartAt = new BoundedMap<string, number>(options.maxKeys ?? 10_000);
  return {
    async wait(key, signal) {
      const now = options.clock.now();
      const startAt = Math.max(now, nextStartAt.get(key) ?? 0);
      nextStartAt.set(key, startAt + options.minTimeMs);
      if (startAt > now) await options.clock.sleep(startAt - now, signal);
    },
  };
}
