import { ConfigurationError } from "@neonhub/core";
import { Redis } from "ioredis";
import { redisConnectionOptions } from "./redis-connection-options.js";

/** Options of {@link createRedisEventChannel}. */
export interface RedisEventChannelOptions<T> {
  redisUrl: string;
  /** The Redis Pub/Sub channel; processes that share events use the same one. */
  channel: string;
  /**
   * Checks a received message (parsed from JSON) and returns it typed, or null to drop it. Anything with access to
   * the Redis can publish on the channel, so messages are read as untrusted input.
   */
  parse(message: unknown): T | null;
  /** Listeners at most. Default 100. */
  maxListeners?: number;
}

/** Best-effort events between processes over Redis Pub/Sub: a message sent while Redis is away is lost. */
export interface RedisEventChannel<T> {
  /** Sends `message` (serialised as JSON) to every subscribed process, this one included. Never throws. */
  publish(message: T): Promise<void>;
  /**
   * Calls `listener` with each valid message; the first listener opens the subscribing connection.
   * @throws ConfigurationError beyond `maxListeners`.
   */
  subscribe(listener: (message: T) => void): () => void;
  /** Closes both connections. */
  close(): Promise<void>;
}

const DEFAULT_MAX_LISTENERS = 100;
const MAX_CHANNEL_LENGTH = 200;

/**
 * Events shared by the processes of a deployment through Redis Pub/Sub: what one process publishes, every
 * subscribed process receives, in the order that publisher sent them. Pub/Sub keeps nothing, so it suits
 * notifications whose loss a reader recovers from (a live view that can reload), not work.
 * @example
 * const channel = createRedisEventChannel({ redisUrl, channel: "neonhub:run-events", parse: (message) => message as RunNote });
 * const unsubscribe = channel.subscribe((note) => hub.publishEvent(note.organizationId, note.event));
 * await channel.publish({ organizationId, event });
 */
export function createRedisEventChannel<T>(options: RedisEventChannelOptions<T>): RedisEventChannel<T> {
  const connection = redisConnectionOptions(options?.redisUrl);
  const { channel, parse } = options;
  if (typeof channel !== "string" || channel.length === 0 || channel.length > MAX_CHANNEL_LENGTH) {
    throw new ConfigurationError(`The event channel takes a name of 1 to ${MAX_CHANNEL_LENGTH} characters.`);
  }
  if (typeof parse !== "function") throw new ConfigurationError("The event channel needs a parse function for the messages it receives.");
  const maxListeners = options.maxListeners ?? DEFAULT_MAX_LISTENERS;
  if (!Number.isInteger(maxListeners) || maxListeners < 1) throw new ConfigurationError("maxListeners must be a positive integer.");

  // Fails fast while Redis is away: a lost event costs less than a publisher waiting on it.
  const publisher = new Redis({ ...connection, enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  publisher.on("error", () => undefined);
  let subscriber: Redis | null = null;
  const listeners = new Set<(message: T) => void>();
  let closed = false;

  const deliver = (received: string, text: string) => {
    if (received !== channel) return;
    let message: T | null;
    try {
      message = parse(JSON.parse(text));
    } catch {
      return;
    }
    if (message === null) return;
    for (const listener of listeners) {
      try {
        listener(message);
      } catch {
        // One listener's failure is not the others'.
      }
    }
  };

  const openSubscriber = () => {
    // ioredis subscribes again after a reconnection.
    subscriber = new Redis({ ...connection });
    subscriber.on("error", () => undefined);
    subscriber.on("message", deliver);
    void subscriber.subscribe(channel).catch(() => undefined);
  };

  return {
    async publish(message) {
      if (closed) return;
      try {
        if (publisher.status === "wait") await publisher.connect();
        await publisher.publish(channel, JSON.stringify(message));
      } catch {
        // Best effort: readers recover from a lost event.
      }
    },
    subscribe(listener) {
      if (closed) throw new ConfigurationError("The event channel is closed.");
      if (listeners.size >= maxListeners) throw new ConfigurationError(`An event channel takes at most ${maxListeners} listeners.`);
      listeners.add(listener);
      if (!subscriber) openSubscriber();
      return () => void listeners.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      publisher.disconnect();
      subscriber?.disconnect();
    },
  };
}
