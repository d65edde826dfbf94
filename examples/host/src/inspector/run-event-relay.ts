import { RUN_STATUSES, isFinalRunStatus, silentLogger, type AgentRun, type Logger, type Orchestrator } from "@neonhub/core";
import type { RedisEventChannel } from "@neonhub/redis";
import { z } from "zod";
import { toRunEvent, type RunEvent, type RunEventHub } from "./run-event-hub.js";
import type { RunEventSink } from "./with-run-events.js";

/** A run event as it travels between processes. */
export interface RunNote {
  organizationId: string;
  event: RunEvent;
}

const isoDate = z.string().max(40).refine((value) => !Number.isNaN(Date.parse(value)));
const runNoteSchema = z.object({
  organizationId: z.string().min(1).max(200),
  event: z.object({
    id: z.string().min(1).max(200),
    agentName: z.string().max(200),
    userId: z.string().max(200),
    intent: z.string().max(10_000).nullable(),
    status: z.enum(RUN_STATUSES),
    createdAt: isoDate,
    completedAt: isoDate.nullable(),
    durationMs: z.number().finite().nullable(),
  }),
});

/** Reads a note received from Redis: anything that can publish there could send anything, so it is checked. */
export function parseRunNote(message: unknown): RunNote | null {
  const parsed = runNoteSchema.safeParse(message);
  return parsed.success ? parsed.data : null;
}

/**
 * Run events of every process of a deployment on every process's hub: each process publishes the runs it creates,
 * starts and finishes to the channel, and processes that serve streams (`receive`) pass what arrives to their hub,
 * their own events included, so each hub sees one ordered path per publisher. When the channel reports a gap (its
 * subscription came back, or some publisher lost events), the hub tells its streams to read their lists again.
 */
export function relayRunEvents(
  channel: RedisEventChannel<RunNote>,
  hub: RunEventHub,
  { receive, logger = silentLogger }: { receive: boolean; logger?: Logger },
): RunEventSink {
  if (receive) {
    channel.subscribe((note) => hub.publishEvent(note.organizationId, note.event));
    // Events lost between processes: the streams read their lists again instead of showing a stale state. The
    // warning lets operators tie a page that reloaded to the Redis outage behind it.
    channel.onGap(() => {
      logger.warn({}, "run events between processes may have been lost (Redis was unreachable); open live streams read their runs again");
      hub.resync();
    });
  }
  return {
    publish(organizationId: string, run: AgentRun) {
      void channel.publish({ organizationId, event: toRunEvent(run) });
    },
  };
}

/**
 * Wakes this process's callers of `waitForRun` (the run route's long polls) as soon as any process reports a run's
 * end on the channel, instead of at their next look at the store, up to a second later; and all of them when the
 * channel reports that notes may have been lost. Returns what unsubscribes.
 */
export function wakeRunWaitersOnEnds(channel: RedisEventChannel<RunNote>, orchestrator: Pick<Orchestrator, "wakeRunWaiters">): () => void {
  const stopReading = channel.subscribe((note) => {
    if (isFinalRunStatus(note.event.status)) orchestrator.wakeRunWaiters(note.event.id);
  });
  const stopHearingGaps = channel.onGap(() => orchestrator.wakeRunWaiters());
  return () => {
    stopReading();
    stopHearingGaps();
  };
}
