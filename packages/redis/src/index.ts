export { createBullmqRunQueue } from "./bullmq-run-queue.js";
export type { BullmqRunQueue, BullmqRunQueueOptions } from "./bullmq-run-queue.js";
export { createRedisRateLimiter } from "./redis-rate-limiter.js";
export type { RedisRateLimiterOptions } from "./redis-rate-limiter.js";
export { createQueuedRunReconciler, DEFAULT_RECONCILE_DELAY_MS, DEFAULT_RECONCILE_INTERVAL_MS } from "./queued-run-reconciler.js";
export type { QueuedRunReconciler, QueuedRunReconcilerOptions, ReconcileResult } from "./queued-run-reconciler.js";
export { MAX_RECONNECT_DELAY_MS, redisConnectionOptions } from "./redis-connection-options.js";
export type { RedisConnectionOptions } from "./redis-connection-options.js";
