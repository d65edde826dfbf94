import type { RelayQueue } from "./relay-agent.js";

/** What the benchmark tells a worker process to be (its one argument, as JSON). */
export type WorkerConfig =
  | { kind: "runs"; databaseUrl: string; redisUrl: string; prefix: string; latencyMs: number; queues: RelayQueue[]; concurrency: number }
  | { kind: "bare"; redisUrl: string; prefix: string; queue: string; concurrency: number };

/**
 * Messages from a worker process: ready to work; how many runs (or jobs) it finished so far, when the last did, and
 * the CPU time it has used since it was ready (user and system, µs).
 */
export type WorkerMessage = { type: "ready" } | { type: "progress"; finished: number; failed: number; lastFinishedAt: number; cpuUs: number };

/** Messages to a worker process. */
export type WorkerCommand = { type: "stop" };

/** How often a worker reports its progress while it changes. */
export const PROGRESS_INTERVAL_MS = 10;
