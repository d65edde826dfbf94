import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";

/** The Redis the integration tests use, or undefined when they are to be skipped. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL;

/** A key prefix of its own for one test, so that tests sharing a Redis never touch each other's keys. */
export const uniquePrefix = (): string => `neonhub-test-${randomUUID()}`;

/** Deletes every key under the prefix (SCAN, never KEYS or FLUSH on a shared Redis). */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let deleted = 0;
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== "0");
    return deleted;
  } finally {
    redis.disconnect();
  }
}
