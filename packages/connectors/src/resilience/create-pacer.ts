import Bottleneck from "bottleneck";
import type { RateLimitSpec } from "../sdk/connector-definition.js";

/** Queues calls so that they respect a connector's declared pacing. */
export interface Pacer {
  schedule<T>(fn: () => Promise<T>): Promise<T>;
  /** Number of calls waiting for their turn. */
  pending(): number;
  /** Takes no more calls; those waiting are dropped, or with `dropWaiting: false` still run at the pace. */
  stop(options?: { dropWaiting: boolean }): Promise<void>;
}

/** True when the spec asks for any pacing at all; only then is a queue worth its cost per call. */
export function declaresPacing(spec: RateLimitSpec | undefined): spec is RateLimitSpec {
  return spec !== undefined && (spec.minTimeMs !== undefined || spec.maxConcurrent !== undefined || spec.requests !== undefined);
}

/** A queue (bottleneck inside) honouring `requests` per `intervalMs`, `minTimeMs` and `maxConcurrent`. */
export function createPacer(spec: RateLimitSpec): Pacer {
  const limiter = new Bottleneck({
    maxConcurrent: spec.maxConcurrent ?? null,
    minTime: spec.minTimeMs ?? 0,
    ...(spec.requests === undefined
      ? {}
      : { reservoir: spec.requests, reservoirRefreshAmount: spec.requests, reservoirRefreshInterval: spec.intervalMs ?? 1_000 }),
  });
  return {
    schedule: (fn) => limiter.schedule(fn),
    pending: () => limiter.counts().QUEUED + limiter.counts().RECEIVED,
    stop: ({ dropWaiting } = { dropWaiting: true }) => limiter.stop({ dropWaitingJobs: dropWaiting }),
  };
}
