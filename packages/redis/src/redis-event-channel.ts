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
  /** Listeners at most, of messages and of gaps each. Default 100. */
  maxListeners?: number;
}

/**
 * Best-effort events between processes over Redis Pub/Sub: a message sent while Redis is away is lost, and the
 * loss is reported to {@link RedisEventChannel.onGap} listeners so that readers can recover.
 */
export interface RedisEventChannel<T> {
  /**
   * Sends `message` (serialised as JSON) to every subscribed process, this one included. Never throws: resolves
   * true once Redis took it, false when it was lost (the channel's gap listeners will hear of it).
   */
  publish(message: T): Promise<boolean>;
  /**
   * Calls `listener` with each valid message; the first listener opens the subscribing connection.
   * @throws ConfigurationError beyond `maxListeners`.
   */
  subscribe(listener: (message: T) => void): () => void;
  /**
   * Calls `listener` whenever messages may have been missed since it was last called: this process's subscription
   * came back after a lost connection or a failed first attempt (once it is subscribed again), or a publisher of
   * the channel, in any process, could not send a message and has reached Redis again. A reader then reads again from its source of
   * truth. Opens the subscribing connection, as {@link RedisEventChannel.subscribe} does.
   * @throws ConfigurationError beyond `maxListeners`.
   */
  onGap(listener: () => void): () => void;
  /** Closes both connections. */
  close(): Promise<void>;
}

const DEFAULT_MAX_LISTENERS = 100;
const MAX_CHANNEL_LENGTH = 200;

/** Calls each listener with `message`; one listener's failure is not the others'. */
function callEach<M>(listeners: Iterable<(message: M) => void>, message: M): void {
  for (const listener of listeners) {
    try {
      listener(message);
    } catch {
      // Left to the listener to report.
    }
  }
}

/** The sibling channel on which a publisher that lost messages says so once it reaches Redis again. */
const gapChannelOf = (channel: string): string => `${channel}:gap`;

/**
 * Events shared by the processes of a deployment through Redis Pub/Sub: what one process publishes, every
 * subscribed process receives, in the order that publisher sent them. Pub/Sub keeps nothing, so it suits
 * notifications whose loss a reader recovers from (a live view that reloads on a gap), not work.
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
  const gapListeners = new Set<() => void>();
  const gapChannel = gapChannelOf(channel);
  let closed = false;
  // Messages lost so far, and how many of them a gap notice has covered: a loss during a notice needs another.
  let lost = 0;
  let announced = 0;

  const reportGap = () => callEach(gapListeners, undefined);

  // One notice at a time: the reconnection and a publish may both find the gap unannounced.
  let announcing: Promise<void> | null = null;
  const announceGap = (): Promise<void> => {
    if (lost === announced || closed) return Promise.resolve();
    const covering = lost;
    announcing ??= publisher
      .publish(gapChannel, "{}")
      .then(
        () => {
          announced = Math.max(announced, covering);
        },
        () => undefined, // Still away: announced on the next connection or publish.
      )
      .finally(() => {
        announcing = null;
      });
    return announcing;
  };
  publisher.on("ready", () => void announceGap());

  const deliver = (received: string, text: string) => {
    if (received === gapChannel) {
      reportGap();
      return;
    }
    if (received !== channel) return;
    let message: T | null;
    try {
      message = parse(JSON.parse(text));
    } catch {
      return;
    }
    if (message !== null) callEach(listeners, message);
  };

  const openSubscriber = () => {
    // The ready handler below subscribes again itself, so that it knows when the subscription is back.
    const opened = new Redis({ ...connection, autoResubscribe: false });
    subscriber = opened;
    // Set when a connection dropped or an attempt failed (at start too): messages sent meanwhile were not received.
    let interrupted = false;
    opened.on("error", () => undefined);
    opened.on("message", deliver);
    opened.on("reconnecting", () => {
      interrupted = true;
    });
    opened.on("ready", () => {
      if (!interrupted) return;
      interrupted = false;
      // The gap is reported once the subscription is in place again, so that a reader reading again misses nothing
      // published after its read.
      opened.subscribe(channel, gapChannel).then(
        () => {
          if (!closed) reportGap();
        },
        () => undefined,
      );
    });
    void opened.subscribe(channel, gapChannel).catch(() => undefined);
  };
  const listen = <L>(set: Set<L>, listener: L): (() => void) => {
    if (closed) throw new ConfigurationError("The event channel is closed.");
    if (set.size >= maxListeners) throw new ConfigurationError(`An event channel takes at most ${maxListeners} listeners.`);
    set.add(listener);
    if (!subscriber) openSubscriber();
    return () => void set.delete(listener);
  };

  return {
    async publish(message) {
      if (closed) return false;
      try {
        if (publisher.status === "wait") await publisher.connect();
        if (lost !== announced) await announceGap();
        await publisher.publish(channel, JSON.stringify(message));
        return true;
      } catch {
        // Best effort: readers hear of the loss through the gap notice once this publisher is back.
        lost += 1;
        return false;
      }
    },
    subscribe: (listener) => listen(listeners, listener),
    onGap: (listener) => listen(gapListeners, listener),
    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      gapListeners.clear();
      publisher.disconnect();
      subscriber?.disconnect();
    },
  };
}
