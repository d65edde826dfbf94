import { randomUUID } from "node:crypto";
import { ConfigurationError } from "@neonhub/core";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createRedisEventChannel, type RedisEventChannel } from "./redis-event-channel.js";
import { startTcpProxy, type TcpProxy } from "./test-support/tcp-proxy.js";

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
  const proxies: TcpProxy[] = [];
  const open = (channel: string, maxListeners?: number, url = redisUrl as string) => {
    const created = createRedisEventChannel({ redisUrl: url, channel, parse: parseNote, ...(maxListeners ? { maxListeners } : {}) });
    opened.push(created);
    return created;
  };
  /** A channel whose connections go through a proxy the test can cut, as a network outage would. */
  const openBehindProxy = async (channel: string, { cutFirst = false } = {}) => {
    const url = new URL(redisUrl as string);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 6379) });
    proxies.push(proxy);
    if (cutFirst) await proxy.cut();
    return { proxy, channel: open(channel, undefined, `redis://127.0.0.1:${proxy.port}`) };
  };
  /** Publishes probes until `received` holds one: the subscription is then in place. */
  const untilSubscribed = (publisher: RedisEventChannel<Note>, received: Note[]) =>
    vi.waitFor(async () => {
      await publisher.publish({ organizationId: "probe", sequence: -1 });
      expect(received.length).toBeGreaterThan(0);
    }, { timeout: 5_000, interval: 50 });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((channel) => channel.close()));
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
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

  it.each([
    { when: "after its connection dropped", cutFirst: false },
    { when: "when its first attempt could not reach Redis", cutFirst: true },
  ])("reports one gap once its subscription is in place $when, and none before", async ({ cutFirst }) => {
    const name = `neonhub-test-events-${randomUUID()}`;
    const { proxy, channel: reader } = await openBehindProxy(name, { cutFirst });
    const writer = open(name);
    const received: Note[] = [];
    let gaps = 0;
    reader.subscribe((note) => received.push(note));
    reader.onGap(() => (gaps += 1));
    if (!cutFirst) {
      await untilSubscribed(writer, received);
      expect(gaps).toBe(0);
      await proxy.cut();
    }
    // Sent while the reader's process cannot be subscribed: lost for it.
    expect(await writer.publish({ organizationId: "org", sequence: 1 })).toBe(true);
    await proxy.restore();
    await vi.waitFor(() => expect(gaps).toBe(1), { timeout: 10_000 });
    // Reported once subscribed: one message published right after it arrives.
    expect(await writer.publish({ organizationId: "org", sequence: 2 })).toBe(true);
    await vi.waitFor(() => expect(received.at(-1)).toEqual({ organizationId: "org", sequence: 2 }), { timeout: 5_000 });
    expect(received.some((note) => note.sequence === 1)).toBe(false);
    expect(gaps).toBe(1);
  });

  it("tells every subscriber that a publisher lost a message, once that publisher reaches Redis again", async () => {
    const name = `neonhub-test-events-${randomUUID()}`;
    const { proxy, channel: writer } = await openBehindProxy(name);
    const [reader, other] = [open(name), open(name)];
    const received: Note[] = [];
    const gaps = { reader: 0, other: 0 };
    reader.subscribe((note) => received.push(note));
    reader.onGap(() => (gaps.reader += 1));
    const stopListening = other.onGap(() => (gaps.other += 1));
    await untilSubscribed(writer, received);
    expect(await writer.publish({ organizationId: "org", sequence: 1 })).toBe(true);

    await proxy.cut();
    // The writer learns of the cut when its socket closes; from then on its messages are lost at once.
    await vi.waitFor(async () => expect(await writer.publish({ organizationId: "org", sequence: 2 })).toBe(false), { timeout: 5_000, interval: 20 });
    expect(gaps).toEqual({ reader: 0, other: 0 });
    await proxy.restore();
    await vi.waitFor(() => expect(gaps).toEqual({ reader: 1, other: 1 }), { timeout: 10_000 });
    stopListening();

    // Announced once: later messages go through without another gap.
    expect(await writer.publish({ organizationId: "org", sequence: 3 })).toBe(true);
    await vi.waitFor(() => expect(received.at(-1)).toEqual({ organizationId: "org", sequence: 3 }), { timeout: 5_000 });
    expect(gaps).toEqual({ reader: 1, other: 1 });
  }, 30_000);

  it("loses a message sent while Redis cannot be reached without throwing", async () => {
    const channel = createRedisEventChannel({ redisUrl: "redis://127.0.0.1:1", channel: "unreachable", parse: parseNote });
    try {
      await expect(channel.publish({ organizationId: "org", sequence: 1 })).resolves.toBe(false);
    } finally {
      await channel.close();
    }
  });
});
