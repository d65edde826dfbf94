import { ConfigurationError } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import type { ConnectorClientOptions } from "./create-connector-client.js";
import { createConnectorClient } from "./create-connector-client.js";

const mockClient = (options: Omit<ConnectorClientOptions, "mode" | "environment">) => createConnectorClient({ mode: "mock", environment: {}, ...options });

describe("connector client options", () => {
  it.each([
    ["retry.attempts", { retry: { attempts: 0 } }],
    ["retry.attempts", { retry: { attempts: 2.5 } }],
    ["retry.attempts", { retry: { attempts: Number.NaN } }],
    ["retry.baseDelayMs", { retry: { baseDelayMs: -1 } }],
    ["retry.maxDelayMs", { retry: { maxDelayMs: Number.NaN } }],
    ["retry.maxRetryAfterMs", { retry: { maxRetryAfterMs: Number.POSITIVE_INFINITY } }],
    ["maxConnections", { maxConnections: 0 }],
    ["mock.latency", { mock: { latency: { fixedMs: -1 } } }],
    ["mock.latency", { mock: { latency: { minMs: 50, maxMs: 10 } } }],
    ["mock.epochMs", { mock: { epochMs: Number.NaN } }],
    ["mock.maxCalls", { mock: { maxCalls: Number.NaN } }],
    ["mock.maxCalls", { mock: { maxCalls: -1 } }],
    ["mock.seed", { mock: { seed: 7 as never } }],
  ] as const)("refuses a bad %s when the client is created", (field, options) => {
    expect(() => mockClient(options)).toThrow(ConfigurationError);
    expect(() => mockClient(options)).toThrow(field);
  });

  it("accepts the edges of each range", async () => {
    const client = mockClient({ retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 }, maxConnections: 1, mock: { latency: { minMs: 0, maxMs: 0 }, epochMs: 0, maxCalls: 0 } });
    await expect(client.invoke("slack", "postMessage", { channel: "C1", text: "hi" })).resolves.toHaveProperty("ts");
  });

  it("leaves mock options unchecked in live mode, where they are not used", () => {
    expect(() => createConnectorClient({ mode: "live", environment: {}, mock: { maxCalls: -1 } })).not.toThrow();
  });
});
