import { createRecordingLogger, type RecordedLogLine } from "@neonhub/core/testing";
import type { RedisEventChannel } from "@neonhub/redis";
import { describe, expect, it, vi } from "vitest";
import type { RunEventHub } from "./run-event-hub.js";
import { parseRunNote, relayRunEvents, wakeRunWaitersOnEnds, type RunNote } from "./run-event-relay.js";

const event = { id: "run-1", agentName: "seo-analyst", userId: "user-1", intent: null, status: "COMPLETED", createdAt: "2026-12-05T09:00:00.000Z", completedAt: "2026-12-05T09:00:01.000Z", durationMs: 1000 };

describe("parseRunNote", () => {
  it("reads a note as the relay publishes it", () => {
    expect(parseRunNote({ organizationId: "org-1", event })).toEqual({ organizationId: "org-1", event });
  });

  it("drops anything else another publisher on the channel could send", () => {
    for (const message of [
      null,
      "text",
      { event },
      { organizationId: "", event },
      { organizationId: "org-1", event: { ...event, status: "EXPLODED" } },
      { organizationId: "org-1", event: { ...event, createdAt: "yesterday" } },
      { organizationId: "org-1", event: { ...event, durationMs: "1000" } },
      { organizationId: "org-1", event: { ...event, id: "x".repeat(201) } },
    ]) {
      expect(parseRunNote(message)).toBeNull();
    }
  });
});

/** The channel's side the relay uses, driven by the test (the Redis behind it is tested in @neonhub/redis). */
const fakeChannel = () => {
  const messages: Array<(note: RunNote) => void> = [];
  const gaps: Array<() => void> = [];
  const published: RunNote[] = [];
  const channel = {
    publish: async (note: RunNote) => (published.push(note), true),
    subscribe: (listener: (note: RunNote) => void) => (messages.push(listener), () => undefined),
    onGap: (listener: () => void) => (gaps.push(listener), () => undefined),
    close: async () => undefined,
  } satisfies RedisEventChannel<RunNote>;
  return { channel, messages, gaps, published };
};

describe("relayRunEvents", () => {
  it("passes received notes to the hub, and on a gap warns and tells the hub's streams to read again", () => {
    const { channel, messages, gaps } = fakeChannel();
    const hub = { publishEvent: vi.fn(), resync: vi.fn() };
    const lines: RecordedLogLine[] = [];
    relayRunEvents(channel, hub as unknown as RunEventHub, { receive: true, logger: createRecordingLogger(lines) });

    messages.forEach((listener) => listener({ organizationId: "org-1", event: event as RunNote["event"] }));
    expect(hub.publishEvent).toHaveBeenCalledWith("org-1", event);
    expect(hub.resync).not.toHaveBeenCalled();
    expect(lines).toEqual([]);

    gaps.forEach((listener) => listener());
    expect(hub.resync).toHaveBeenCalledTimes(1);
    expect(lines).toEqual([expect.objectContaining({ level: "warn", message: expect.stringContaining("may have been lost") })]);
  });

  it("in a process that serves no streams, only publishes", () => {
    const { channel, messages, gaps } = fakeChannel();
    relayRunEvents(channel, { publishEvent: vi.fn(), resync: vi.fn() } as unknown as RunEventHub, { receive: false });
    expect(messages).toHaveLength(0);
    expect(gaps).toHaveLength(0);
  });
});

describe("wakeRunWaitersOnEnds", () => {
  it("wakes the waiters of a run whose end another process reports, and only of ended runs", () => {
    const { channel, messages } = fakeChannel();
    const orchestrator = { wakeRunWaiters: vi.fn() };
    wakeRunWaitersOnEnds(channel, orchestrator);
    const note = (id: string, status: string) => ({ organizationId: "org-1", event: { ...event, id, status } as RunNote["event"] });
    for (const [id, status] of [["run-q", "QUEUED"], ["run-r", "RUNNING"], ["run-w", "WAITING"], ["run-c", "COMPLETED"], ["run-f", "FAILED"], ["run-x", "CANCELLED"], ["run-t", "TIMED_OUT"]] as const) {
      messages.forEach((listener) => listener(note(id, status)));
    }
    expect(orchestrator.wakeRunWaiters.mock.calls).toEqual([["run-c"], ["run-f"], ["run-x"], ["run-t"]]);
  });

  it("wakes every waiter when the channel reports that notes may have been lost", () => {
    const { channel, gaps } = fakeChannel();
    const orchestrator = { wakeRunWaiters: vi.fn() };
    wakeRunWaitersOnEnds(channel, orchestrator);
    gaps.forEach((listener) => listener());
    expect(orchestrator.wakeRunWaiters.mock.calls).toEqual([[]]);
  });
});
