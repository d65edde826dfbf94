import { ConfigurationError, type AgentRun } from "@neonhub/core";

/** What a live stream tells about a run that was created, started or finished. */
export interface RunEvent {
  id: string;
  agentName: string;
  userId: string;
  intent: string | null;
  status: AgentRun["status"];
  createdAt: string;
  completedAt: string | null;
  durationMs: number | null;
}

/** Options of {@link createRunEventHub}. */
export interface RunEventHubOptions {
  /** Open streams at most, across organizations. Default 1,000. */
  maxSubscribers?: number;
  /** Events of an organization are sent together this often. Default 250 ms. */
  flushIntervalMs?: number;
  /** Events waiting per organization; beyond it the streams are told to reload instead. Default 500. */
  maxPendingPerOrganization?: number;
}

/** Fans run events out to the open streams of the run's organization. */
export interface RunEventHub {
  publish(organizationId: string, run: AgentRun): void;
  /** {@link RunEventHub.publish} for an event already made (one received from another process). */
  publishEvent(organizationId: string, event: RunEvent): void;
  /**
   * Tells every open stream, at the next flush, to read its list again: events may have been lost before they
   * reached the hub (a gap on the channel between processes).
   */
  resync(): void;
  /** Registers a stream; returns its unsubscribe function, or null when the hub is full. */
  subscribe(organizationId: string, send: (chunk: Buffer) => void): (() => void) | null;
  readonly subscriberCount: number;
  /** Sends what is pending now (the timer does it otherwise). */
  flush(): void;
  /** Drops every stream and pending event. */
  close(): void;
}

export const DEFAULT_MAX_EVENT_SUBSCRIBERS = 1_000;
export const DEFAULT_EVENT_FLUSH_INTERVAL_MS = 250;
export const DEFAULT_MAX_PENDING_EVENTS = 500;

interface Pending {
  /** The latest event of each run: a run that started and finished within one flush is sent once. */
  events: Map<string, RunEvent>;
  overflowed: boolean;
}

const RESYNC = Buffer.from("event: resync\ndata: {}\n\n");

/** What the streams are told of a run. */
export const toRunEvent = (run: AgentRun): RunEvent => ({
  id: run.id,
  agentName: run.agentName,
  userId: run.userId,
  intent: run.intent,
  status: run.status,
  createdAt: run.createdAt.toISOString(),
  completedAt: run.completedAt?.toISOString() ?? null,
  durationMs: run.durationMs,
});

/**
 * An in-process hub. Events of organizations nobody watches are dropped at once; the others are batched and written
 * as one server-sent event per flush, so a busy run route pays one array push per event however many streams are
 * open.
 * @example
 * const hub = createRunEventHub();
 * const unsubscribe = hub.subscribe("org_1", (chunk) => socket.write(chunk));
 */
export function createRunEventHub(options: RunEventHubOptions = {}): RunEventHub {
  const maxSubscribers = options.maxSubscribers ?? DEFAULT_MAX_EVENT_SUBSCRIBERS;
  const flushIntervalMs = options.flushIntervalMs ?? DEFAULT_EVENT_FLUSH_INTERVAL_MS;
  const maxPending = options.maxPendingPerOrganization ?? DEFAULT_MAX_PENDING_EVENTS;
  for (const [name, value] of Object.entries({ maxSubscribers, flushIntervalMs, maxPending })) {
    if (!Number.isInteger(value) || value < 1) throw new ConfigurationError(`createRunEventHub: ${name} must be a positive integer.`);
  }
  // Both maps hold only organizations with an open stream, so they are bounded by maxSubscribers.
  const subscribers = new Map<string, Set<(chunk: Buffer) => void>>();
  const pending = new Map<string, Pending>();
  let subscriberCount = 0;
  let timer: NodeJS.Timeout | null = null;

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    for (const [organizationId, batch] of pending) {
      // Encoded once, written to every stream of the organization.
      const chunk = batch.overflowed ? RESYNC : Buffer.from(`event: runs\ndata: ${JSON.stringify([...batch.events.values()])}\n\n`);
      for (const send of subscribers.get(organizationId) ?? []) send(chunk);
    }
    pending.clear();
  };

  const scheduleFlush = (): void => {
    if (!timer) {
      timer = setTimeout(flush, flushIntervalMs);
      timer.unref();
    }
  };

  const batchOf = (organizationId: string): Pending => {
    let batch = pending.get(organizationId);
    if (!batch) {
      batch = { events: new Map(), overflowed: false };
      pending.set(organizationId, batch);
    }
    return batch;
  };

  /** The batch's streams are told to read their lists again instead of getting its events. */
  const askToReload = (batch: Pending): void => {
    batch.overflowed = true;
    batch.events.clear();
  };

  const publishEvent = (organizationId: string, event: RunEvent): void => {
    if (!subscribers.has(organizationId)) return;
    const batch = batchOf(organizationId);
    if (!batch.overflowed) {
      batch.events.delete(event.id);
      batch.events.set(event.id, event);
      if (batch.events.size > maxPending) {
        askToReload(batch);
      }
    }
    scheduleFlush();
  };

  return {
    get subscriberCount() {
      return subscriberCount;
    },
    publish(organizationId, run) {
      if (subscribers.has(organizationId)) publishEvent(organizationId, toRunEvent(run));
    },
    publishEvent,
    resync() {
      // Once per flush however many gaps arrive: a reload is what each stream is told either way.
      for (const organizationId of subscribers.keys()) askToReload(batchOf(organizationId));
      if (subscribers.size > 0) scheduleFlush();
    },
    subscribe(organizationId, send) {
      if (subscriberCount >= maxSubscribers) return null;
      let set = subscribers.get(organizationId);
      if (!set) {
        set = new Set();
        subscribers.set(organizationId, set);
      }
      set.add(send);
      subscriberCount += 1;
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        subscriberCount -= 1;
        set.delete(send);
        if (set.size === 0 && subscribers.get(organizationId) === set) {
          subscribers.delete(organizationId);
          pending.delete(organizationId);
        }
      };
    },
    flush,
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      subscribers.clear();
      pending.clear();
      subscriberCount = 0;
    },
  };
}
