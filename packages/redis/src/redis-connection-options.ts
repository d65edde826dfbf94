import { ConfigurationError } from "@neonhub/core";

/** What ioredis and BullMQ need to connect, read from a `redis://` or `rediss://` URL. */
export interface RedisConnectionOptions {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: Record<string, never>;
  /** BullMQ's blocking commands must wait for Redis to come back rather than fail. */
  maxRetriesPerRequest: null;
  /** Milliseconds before reconnection attempt `times`: doubling from 100 ms, at most {@link MAX_RECONNECT_DELAY_MS}. */
  retryStrategy(times: number): number;
}

/**
 * The longest wait between two reconnection attempts. BullMQ's own default grows to 20 s, so a worker could stay
 * idle that long after a short Redis outage ended; two seconds keeps the retry load small and the gap short.
 */
export const MAX_RECONNECT_DELAY_MS = 2_000;

const reconnectDelay = (times: number): number => Math.min(100 * 2 ** Math.max(0, times - 1), MAX_RECONNECT_DELAY_MS);

/**
 * Reads connection options from a Redis URL; an IPv6 address is written in brackets (`redis://[fdaa::3]:6379`).
 * @throws ConfigurationError when the URL is not a `redis://` or `rediss://` URL.
 */
export function redisConnectionOptions(redisUrl: string): RedisConnectionOptions {
  const url = typeof redisUrl === "string" && URL.canParse(redisUrl) ? new URL(redisUrl) : null;
  if (!url || (url.protocol !== "redis:" && url.protocol !== "rediss:")) throw new ConfigurationError("A redis:// or rediss:// URL is needed.");
  return {
    // A URL keeps an IPv6 address in brackets; the socket needs the bare address.
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: Number(url.port || 6379),
    db: Number(url.pathname.slice(1) || 0),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: reconnectDelay,
  };
}
