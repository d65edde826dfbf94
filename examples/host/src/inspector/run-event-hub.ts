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
  /** Open streams at most of one organization, so that one cannot take every slot. Default 100. */
  maxSubscribersPerOrganization?: number;
  /** Events of an organization are sent together this often. Default 250 ms. */
  flushIntervalMs?: number;
  /** Events waiting per organization; beyond it the streams are told to reload instead. Default 500. */
  maxPendingPerOrganization?: number;
}

/** Why {@link RunEventHub.subscribe} opened no stream: the host's slots are all taken, or the organization's share is. */
export type RunEventRefusal = "host_full" | "organization_full";

/** What {@link RunEventHub.subscribe} answers: the stream's unsubscribe function, or why there is none. */
export type RunEventSubscription = { refused: null; unsubscribe: () => void } | { refused: RunEventRefusal; unsubscribe: null };

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
  /**
   * Registers a stream. Its unsubscribe function frees its slot once, however often it is called, and does
   * nothing after {@link RunEventHub.close}, which freed every slot already.
   */
  subscribe(organizationId: string, send: (chunk: Buffer) => void): RunEventSubscription;
  readonly subscriberCount: number;
  /** Organizations with at least one open stream. */
  readonly organizationCount: number;
  /** Sends what is pending now (the timer does it otherwise). */
  flush(): void;
  /** Drops every stream and pending event. */
  close(): void;
}

export const DEFAULT_MAX_EVENT_SUBSCRIBERS = 1_000;
/** A tenth of the host's streams: room for many tabs of one organization, and 900 slots left for the others. */
export const DEFAULT_MAX_EVENT_SUBSCRIBERS_PER_ORGANIZATION = 100;
export const DEFAULT_EVENT_FLUSH_INTERVAL_MS = 250;
export const DEFAULT_MAX_PENDING_EVENTS = 500;

/** One open stream; its own object, so that one send function subscribed twice holds two slots. */
interface Subscriber {
  send: (chunk: Buffer) => void;
}

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
  const maxSubscribersPerOrganization = options.maxSubscribersPerOrganization ?? DEFAULT_MAX_EVENT_SUBSCRIBERS_PER_ORGANIZATION;
  const flushIntervalMs = options.flushIntervalMs ?? DEFAULT_EVENT_FLUSH_INTERVAL_MS;
  const maxPending = options.maxPendingPerOrganization ?? DEFAULT_MAX_PENDING_EVENTS;
  for (const [name, value] of Object.entries({ maxSubscribers, maxSubscribersPerOrganization, flushIntervalMs, maxPending })) {
    if (!Number.isInteger(value) || value < 1) throw new ConfigurationError(`createRunEventHub: ${name} must be a positive integer.`);
  }
  // Both maps hold only organizations with an open stream, so they are bounded by maxSubscribers; the size of an
  // organization's set is its count of open streams.
  const subscribers = new Map<string, Set<Subscriber>>();
  const pending = new Map<string, Pending>();
  let subscriberCount = 0;
  let timer: NodeJS.Timeout | null = null;

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    for (const [organizationId, batch] of pending) {
      // Encoded once, written to every stream of the organization.
      const chunk = batch.overflowed ? RESYNC : Buffer.from(`event: runs\ndata: ${JSON.stringify([...batch.events.values()])}\n\n`);
      for (const subscriber of subscribers.get(organizationId) ?? []) subscriber.send(chunk);
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
    get organizationCount() {
      return subscribers.size;
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
      // The organization's own share is named first: it is what its client can do something about.
      if ((subscribers.get(organizationId)?.size ?? 0) >= maxSubscribersPerOrganization) return { refused: "organization_full", unsubscribe: null };
      if (subscriberCount >= maxSubscribers) return { refused: "host_full", unsubscribe: null };
      let set = subscribers.get(organizationId);
      if (!set) {
        set = new Set();
        subscribers.set(organizationId, set);
      }
      const subscriber: Subscriber = { send };
      set.add(subscriber);
      subscriberCount += 1;
      const unsubscribe = (): void => {
        // False when called before or when close() emptied the set: the slot is free already.
        if (!set.delete(subscriber)) return;
        subscriberCount -= 1;
        if (set.size === 0 && subscribers.get(organizationId) === set) {
          subscribers.delete(organizationId);
          pending.delete(organizationId);
        }
      };
      return { refused: null, unsubscribe };
    },
    flush,
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      for (const set of subscribers.values()) set.clear();
      subscribers.clear();
      pending.clear();
      subscriberCount = 0;
    },
  };
}
