import { DEFAULT_RUN_QUEUE, type QueueSettings } from "@neonhub/core";

/** Finished jobs kept per queue for inspection, as the platform kept them. */
const RETENTION = { keepCompleted: 200, keepFailed: 500 } as const;

/**
 * The platform's named queues. Agents declare theirs (`queue` in their definition); the example agents use
 * `social.publish`, `seo.analytics` and `budget.execute`. Concurrency is per host instance; rate limits are shared
 * by every instance on Redis. In process, priority orders the queues when they compete for the process's shared cap on
 * running jobs; on BullMQ each queue has its own workers, so there it does not order one queue before another.
 */
export const PLATFORM_QUEUES: Readonly<Record<string, QueueSettings>> = {
  "intake.fetch": { concurrency: 8, ...RETENTION },
  "intake.normalize": { concurrency: 8, ...RETENTION },
  "intake.embed": { concurrency: 4, ...RETENTION },
  "email.compose": { concurrency: 4, ...RETENTION },
  // Providers cap sending per account: each organization sends at its own pace.
  "email.send": { concurrency: 8, rateLimit: { limit: 10, windowMs: 1_000, per: "organization" }, priority: 2, ...RETENTION },
  "sms.send": { concurrency: 4, rateLimit: { limit: 1, windowMs: 1_000, per: "organization" }, priority: 2, ...RETENTION },
  "social.publish": { concurrency: 2, rateLimit: { limit: 5, windowMs: 1_000, per: "organization" }, ...RETENTION },
  "learning.tune": { concurrency: 1, priority: 9, ...RETENTION },
  // Spend decisions go first: a late pause costs money.
  "budget.execute": { concurrency: 2, priority: 1, ...RETENTION },
  "seo.analytics": { concurrency: 2, ...RETENTION },
  [DEFAULT_RUN_QUEUE]: { concurrency: 8, ...RETENTION },
};
