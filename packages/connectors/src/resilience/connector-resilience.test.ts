import { createManualClock, createRecordingMetricsSink } from "@neonhub/core/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { emailConnector, mapResendResponse } from "../connectors/email-connector.js";
import { createConnectorResilience } from "./connector-resilience.js";

const signal = new AbortController().signal;

describe("connector pacing", () => {
  afterEach(() => vi.useRealTimers());

  const resilience = (maxPacers?: number) =>
    createConnectorResilience({ metrics: createRecordingMetricsSink(), clock: createManualClock(0), retry: false, pacing: true, ...(maxPacers === undefined ? {} : { maxPacers }) });

  it("paces each organization on its own: a provider's limit is per account, and each organization has its own", async () => {
    vi.useFakeTimers();
    const paced = resilience();
    // Resend declares 2 requests per second.
    expect(emailConnector.rateLimit).toMatchObject({ requests: 2, intervalMs: 1_000 });
    const started: string[] = [];
    const call = (organizationId: string, name: string) => paced.execute(emailConnector, async () => void started.push(name), { signal, organizationId });
    const calls = [call("org_a", "a1"), call("org_a", "a2"), call("org_a", "a3"), call("org_b", "b1"), call("org_b", "b2")];
    await vi.advanceTimersByTimeAsync(100);
    expect(started.sort()).toEqual(["a1", "a2", "b1", "b2"]);
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(calls);
    expect(started).toContain("a3");
    await paced.stop();
  });

  it("keeps a bounded number of pacers, and lets an evicted pacer's waiting calls finish", async () => {
    vi.useFakeTimers();
    const paced = resilience(2);
    const started: string[] = [];
    const call = (organizationId: string, name: string) => paced.execute(emailConnector, async () => void started.push(name), { signal, organizationId });
    const calls = [call("org_a", "a1"), call("org_a", "a2"), call("org_a", "a3")];
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toEqual(["a1", "a2"]);
    // Two more organizations evict org_a's pacer while a3 waits in it.
    calls.push(call("org_b", "b1"), call("org_c", "c1"), call("org_d", "d1"));
    await vi.advanceTimersByTimeAsync(1_100);
    await Promise.all(calls);
    expect(started.sort()).toEqual(["a1", "a2", "a3", "b1", "c1", "d1"]);
    expect(paced.pacerCount()).toBeLessThanOrEqual(2);
    await paced.stop();
  });
});

describe("connector breaker", () => {
  it("does not count a retryable 409 against the breaker: the provider is up, another request with the key is in flight", async () => {
    const resilience = createConnectorResilience({ metrics: createRecordingMetricsSink(), clock: createManualClock(0), retry: false, pacing: false });
    const inFlight = mapResendResponse(
      { status: 409, headers: {}, body: { statusCode: 409, message: "Same idempotency key used while original request is still in progress.", name: "concurrent_idempotent_requests" } },
      { action: "sendEmail", nowMs: 0 },
    );
    expect(inFlight).toMatchObject({ code: "UPSTREAM_FAILED", isRetryable: true });
    for (let call = 0; call < 6; call += 1) {
      await expect(resilience.execute(emailConnector, () => Promise.reject(inFlight), { signal })).rejects.toBe(inFlight);
    }
    expect(resilience.breakerState("email")).toBe("closed");
    await resilience.stop();
  });
});
