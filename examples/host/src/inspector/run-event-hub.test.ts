import type { AgentRun } from "@neonhub/core";
import { sampleRun } from "@neonhub/core/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createRunEventHub } from "./run-event-hub.js";

const run = (id: string, organizationId: string, status: AgentRun["status"] = "RUNNING"): AgentRun =>
  sampleRun({ id, organizationId, status, input: { secret: "never sent" } });

afterEach(() => vi.useRealTimers());

/** A hub flushing every 100 ms of fake time, with one stream for each of two organizations and what each received. */
function hubWithTwoStreams() {
  vi.useFakeTimers();
  const hub = createRunEventHub({ flushIntervalMs: 100 });
  const alpha: string[] = [];
  const beta: string[] = [];
  hub.subscribe("alpha", (chunk) => alpha.push(chunk.toString()));
  hub.subscribe("beta", (chunk) => beta.push(chunk.toString()));
  return { hub, alpha, beta };
}

describe("createRunEventHub", () => {
  it("sends an organization's events only to its own streams, batched per flush interval", () => {
    const { hub, alpha, beta } = hubWithTwoStreams();
    hub.publish("alpha", run("r1", "alpha"));
    hub.publish("alpha", run("r2", "alpha"));
    hub.publish("alpha", run("r1", "alpha", "COMPLETED"));
    hub.publish("gamma", run("r2", "gamma"));
    expect(alpha).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(beta).toEqual([]);
    expect(alpha).toHaveLength(1);
    expect(alpha[0]).toMatch(/^event: runs\ndata: .*\n\n$/);
    const events = JSON.parse(alpha[0]!.split("data: ")[1]!) as Array<{ id: string; status: string }>;
    // A run that changed twice within one flush is sent once, as it is now, after the others.
    expect(events.map((event) => [event.id, event.status])).toEqual([
      ["r2", "RUNNING"],
      ["r1", "COMPLETED"],
    ]);
    expect(alpha[0]).not.toContain("never sent");
  });

  it("tells streams to reload when more events wait than it keeps", () => {
    const hub = createRunEventHub({ maxPendingPerOrganization: 2 });
    const chunks: string[] = [];
    hub.subscribe("alpha", (chunk) => chunks.push(chunk.toString()));
    for (let index = 0; index < 3; index += 1) hub.publish("alpha", run(`r${index}`, "alpha"));
    hub.flush();
    expect(chunks).toEqual(["event: resync\ndata: {}\n\n"]);
  });

  it("tells every open stream to reload once per flush after a gap, then sends events again", () => {
    const { hub, alpha, beta } = hubWithTwoStreams();
    hub.publish("alpha", run("r1", "alpha"));
    hub.resync();
    hub.resync();
    hub.publish("beta", run("r2", "beta"));
    vi.advanceTimersByTime(100);
    expect({ alpha, beta }).toEqual({ alpha: ["event: resync\ndata: {}\n\n"], beta: ["event: resync\ndata: {}\n\n"] });
    hub.publish("alpha", run("r3", "alpha"));
    vi.advanceTimersByTime(100);
    expect(alpha).toHaveLength(2);
    expect(alpha[1]).toMatch(/^event: runs\ndata: .*"r3".*\n\n$/);
    expect(beta).toHaveLength(1);
    hub.close();
    hub.resync();
    vi.advanceTimersByTime(100);
    expect(alpha).toHaveLength(2);
  });

  it("refuses streams beyond its limit and frees a slot on unsubscribe", () => {
    const hub = createRunEventHub({ maxSubscribers: 1 });
    const first = hub.subscribe("alpha", () => undefined);
    expect(first.refused).toBeNull();
    expect(hub.subscribe("beta", () => undefined)).toEqual({ refused: "host_full", unsubscribe: null });
    first.unsubscribe?.();
    first.unsubscribe?.();
    expect(hub.subscriberCount).toBe(0);
    expect(hub.subscribe("beta", () => undefined).refused).toBeNull();
  });

  it("refuses an organization's streams beyond its share while other organizations still subscribe", () => {
    const hub = createRunEventHub({ maxSubscribers: 10, maxSubscribersPerOrganization: 2 });
    const send = () => undefined;
    // The same function twice is two streams, each holding its own slot.
    const first = hub.subscribe("alpha", send);
    const second = hub.subscribe("alpha", send);
    expect([first.refused, second.refused]).toEqual([null, null]);
    expect(hub.subscribe("alpha", send)).toEqual({ refused: "organization_full", unsubscribe: null });
    expect(hub.subscribe("beta", send).refused).toBeNull();
    expect(hub.subscriberCount).toBe(3);
    first.unsubscribe?.();
    first.unsubscribe?.();
    expect(hub.subscriberCount).toBe(2);
    expect(hub.subscribe("alpha", send).refused).toBeNull();
    expect(hub.subscribe("alpha", send).refused).toBe("organization_full");
  });

  it("keeps no count for an organization whose streams all ended", () => {
    const hub = createRunEventHub();
    const subscriptions = Array.from({ length: 50 }, (_, index) => hub.subscribe(`org_${index % 25}`, () => undefined));
    expect(hub.organizationCount).toBe(25);
    for (const subscription of subscriptions) subscription.unsubscribe?.();
    expect({ organizations: hub.organizationCount, streams: hub.subscriberCount }).toEqual({ organizations: 0, streams: 0 });
  });

  it("frees every slot on close, and a stream ending after it frees none twice", () => {
    const hub = createRunEventHub({ maxSubscribers: 2, maxSubscribersPerOrganization: 1 });
    const before = hub.subscribe("alpha", () => undefined);
    hub.close();
    before.unsubscribe?.();
    expect({ organizations: hub.organizationCount, streams: hub.subscriberCount }).toEqual({ organizations: 0, streams: 0 });
    const chunks: string[] = [];
    expect(hub.subscribe("alpha", (chunk) => chunks.push(chunk.toString())).refused).toBeNull();
    expect(hub.subscribe("beta", () => undefined).refused).toBeNull();
    expect(hub.subscribe("gamma", () => undefined).refused).toBe("host_full");
    hub.publish("alpha", run("r1", "alpha"));
    hub.flush();
    expect(chunks).toHaveLength(1);
  });

  it("refuses a share that is not a positive integer", () => {
    for (const value of [0, 1.5, -1]) expect(() => createRunEventHub({ maxSubscribersPerOrganization: value })).toThrow(/maxSubscribersPerOrganization/);
  });
});
