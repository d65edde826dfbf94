import { randomUUID } from "node:crypto";
import { ConfigurationError } from "@neonhub/core";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createRedisEventChannel, type RedisEventChannel } from "./redis-event-channel.js";

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) console.warn("TEST_REDIS_URL is not set: skipping the Redis event channel tests (they need a real Redis).");

interface Note {
  organizationId: string;
  sequence: number;
}
const parseNote = (message: unknown): Note | null => {
  const { organizationId, sequence } = (message ?? {}) as Partial<Note>;
  return typeof organizationId === "string" && typeof sequence === "number" ? { organizationId, sequence } : null;
};

describe("Redis event channel options", () => {
  it("refuses a missing channel name, parse function or listener bound before connecting", () => {
    const url = "redis://127.0.0.1:6379";
    expect(() => createRedisEventChannel({ redisUrl: url, channel: "", parse: parseNote })).toThrow(ConfigurationError);
    expect(() => createRedisEventChannel({ redisUrl: url, channel: "x".repeat(201), parse: parseNote })).toThrow(ConfigurationError);
    expect(() => createRedisEventChannel({ redisUrl: url, channel: "events", parse: undefined as never })).toThrow(ConfigurationError);
    expect(() => createRedisEventChannel({ redisUrl: url, channel: "events", parse: parseNote, maxListeners: 0 })).toThrow(ConfigurationError);
    expect(() => createRedisEventChannel({ redisUrl: "http://127.0.0.1", channel: "events", parse: parseNote })).toThrow(ConfigurationError);
  });
});

describe.skipIf(!redisUrl)("Redis event channel", () => {
  const opened: RedisEventChannel<Note>[] = [];
  const open = (channel: string, maxListeners?: number) => {
    const created = createRedisEventChannel({ redisUrl: redisUrl as string, channel, parse: parseNote, ...(maxListeners ? { maxListeners } : {}) });
    opened.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((channel) => channel.close()));
  });

  it("delivers what one process publishes to every subscriber, in order, and drops messages that do not parse", async () => {
    const name = `neonhub-test-events-${randomUUID()}`;
    const [first, second, publisher] = [open(name), open(name), open(name)];
    const received: Record<string, Note[]> = { first: [], second: [] };
    first.subscribe((note) => received.first!.push(note));
    second.subscribe((note) => received.second!.push(note));
    // A subscription is in place once a message published after it arrives.
    await vi.waitFor(async () => {
      await publisher.publish({ organizationId: "probe", sequence: -1 });
      expect(received.first!.length * received.second!.length).toBeGreaterThan(0);
    }, { timeout: 5_000, interval: 50 });
    received.first = [];
    received.second = [];

    const raw = new Redis(redisUrl as string);
    try {
      await raw.publish(name, "not json");
      await raw.publish(name, JSON.stringify({ organizationId: 42 }));
    } finally {
      raw.disconnect();
    }
    for (let sequence = 0; sequence < 20; sequence += 1) await publisher.publish({ organizationId: "org", sequence });
    const expected = Array.from({ length: 20 }, (_, sequence) => ({ organizationId: "org", sequence }));
    // Probes sent while the subscriptions were being set up may still arrive late; only the sequence counts.
    const ordered = (notes: Note[]) => notes.filter((note) => note.organizationId === "org");
    await vi.waitFor(() => expect({ first: ordered(received.first!), second: ordered(received.second!) }).toEqual({ first: expected, second: expected }), { timeout: 5_000 });
    expect([...received.first!, ...received.second!].every((note) => note.organizationId === "org" || note.organizationId === "probe")).toBe(true);
  });

  it("stops calling a listener once unsubscribed, keeps its channel apart from others, and bounds its listeners", async () => {
    const name = `neonhub-test-events-${randomUUID()}`;
    const channel = open(name, 2);
    const other = open(`${name}-other`);
    const kept: Note[] = [];
    const dropped: Note[] = [];
    channel.subscribe((note) => kept.push(note));
    const unsubscribe = channel.subscribe((note) => dropped.push(note));
    expect(() => channel.subscribe(() => undefined)).toThrow(ConfigurationError);
    await vi.waitFor(async () => {
      await channel.publish({ organizationId: "probe", sequence: 0 });
      expect(kept.length).toBeGreaterThan(0);
    }, { timeout: 5_000, interval: 50 });
    unsubscribe();
    const before = dropped.length;
    await other.publish({ organizationId: "elsewhere", sequence: 1 });
    await channel.publish({ organizationId: "org", sequence: 2 });
    await vi.waitFor(() => expect(kept.at(-1)).toEqual({ organizationId: "org", sequence: 2 }), { timeout: 5_000 });
    expect(dropped).toHaveLength(before);
    expect(kept.some((note) => note.organizationId === "elsewhere")).toBe(false);
  });

  it("loses a message sent while Redis cannot be reached without throwing", async () => {
    const channel = createRedisEventChannel({ redisUrl: "redis://127.0.0.1:1", channel: "unreachable", parse: parseNote });
    try {
      await expect(channel.publish({ organizationId: "org", sequence: 1 })).resolves.toBeUndefined();
    } finally {
      await channel.close();
    }
  });
});
