import { describe, expect, it } from "vitest";
import type { QueueSettings } from "../ports/run-queue.js";
import { createInProcessRunQueue } from "./in-process-run-queue.js";
import { resolveQueueSettings } from "./queue-settings.js";

describe("queue settings", () => {
  it.each([
    [{ concurency: 2 }, 'Queue "mail": concurency is not an option; the options of a queue are concurrency, rateLimit, keepCompleted, keepFailed, priority.'],
    [{ rateLimit: { limit: 10, window: 1_000 } }, 'Queue "mail": rateLimit.window is not an option; the options of rateLimit are limit, windowMs, per.'],
    [{ rateLimit: 10 }, 'Queue "mail": rateLimit must be an object.'],
    ["fast", 'Queue "mail": its settings must be an object.'],
  ])("refuses %j with CONFIGURATION_INVALID naming the setting", (settings, message) => {
    expect(() => resolveQueueSettings("mail", settings as QueueSettings)).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID", message }));
    expect(() => createInProcessRunQueue({ queues: { mail: settings as QueueSettings } })).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID", message }));
  });

  it("accepts every setting the types allow", () => {
    const settings: QueueSettings = { concurrency: 2, rateLimit: { limit: 10, windowMs: 1_000, per: "organization" }, keepCompleted: 0, keepFailed: 0, priority: 1 };
    expect(resolveQueueSettings("mail", settings)).toEqual({ concurrency: 2, rateLimit: { limit: 10, windowMs: 1_000, per: "organization" }, keepCompleted: 0, keepFailed: 0, priority: 1 });
    expect(resolveQueueSettings("mail", { rateLimit: undefined })).toMatchObject({ concurrency: 8, rateLimit: null });
  });
});
