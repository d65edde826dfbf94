import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HandlerFailedError, RateLimitedError, ValidationError } from "../errors/errors.js";
import { createManualClock } from "../testing/manual-clock.js";
import { retryDelayMs, retryWithBackoff } from "./retry-with-backoff.js";

const transient = () => new HandlerFailedError("flaky", { isRetryable: true });
const options = { attempts: 3, baseDelayMs: 75, maxDelayMs: 5_000, jitter: false };

/** Records at which fake time each attempt started. */
function scriptedOperation(outcomes: Array<Error | string>) {
  const startedAt: number[] = [];
  const operation = vi.fn(async (attempt: number) => {
    startedAt.push(Date.now());
    const outcome = outcomes[attempt - 1];
    if (outcome instanceof Error) throw outcome;
    return outcome;
  });
  return { operation, startedAt };
}

describe("retryWithBackoff", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it("calls once when the first attempt succeeds", async () => {
    const { operation } = scriptedOperation(["ok"]);
    await expect(retryWithBackoff(operation, options)).resolves.toBe("ok");
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it("retries transient failures with exponential backoff from 75 ms", async () => {
    const { operation, startedAt } = scriptedOperation([transient(), transient(), "ok"]);
    const retries: Array<{ attempt: number; delayMs: number }> = [];
    const result = retryWithBackoff(operation, { ...options, onRetry: ({ attempt, delayMs }) => retries.push({ attempt, delayMs }) });
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe("ok");
    expect(startedAt).toEqual([0, 75, 225]);
    expect(operation.mock.calls.map(([attempt]) => attempt)).toEqual([1, 2, 3]);
    expect(retries).toEqual([
      { attempt: 2, delayMs: 75 },
      { attempt: 3, delayMs: 150 },
    ]);
  });

  it("gives up after the last attempt with the last error", async () => {
    const last = transient();
    const { operation } = scriptedOperation([transient(), transient(), last]);
    const result = retryWithBackoff(operation, options).catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    expect(await result).toBe(last);
    expect(operation).toHaveBeenCalledTimes(3);
  });

  it("does not retry errors that are not transient", async () => {
    const { operation } = scriptedOperation([new ValidationError("bad"), "ok"]);
    await expect(retryWithBackoff(operation, options)).rejects.toThrow("bad");
    const bug = scriptedOperation([transient(), new TypeError("bug"), "ok"]);
    const result = retryWithBackoff(bug.operation, options).catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    expect(await result).toBeInstanceOf(TypeError);
    expect(bug.operation).toHaveBeenCalledTimes(2);
  });

  it("waits at least the retry-after that an error asks for", async () => {
    const { operation, startedAt } = scriptedOperation([new RateLimitedError("slow down", 2_000), "ok"]);
    const result = retryWithBackoff(operation, options);
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe("ok");
    expect(startedAt[1]).toBe(2_000);
  });

  it("keeps jittered delays within one to two times the backoff", async () => {
    const { operation, startedAt } = scriptedOperation([transient(), "ok"]);
    const result = retryWithBackoff(operation, { ...options, jitter: true });
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe("ok");
    expect(startedAt[1]).toBeGreaterThanOrEqual(75);
    expect(startedAt[1]).toBeLessThanOrEqual(150);
  });

  it("stops retrying once the signal aborts", async () => {
    const controller = new AbortController();
    const { operation } = scriptedOperation([transient(), transient(), "ok"]);
    const result = retryWithBackoff(operation, { ...options, signal: controller.signal }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(new Error("cancelled"));
    await vi.runAllTimersAsync();
    expect(await result).toMatchObject({ message: "cancelled" });
    expect(operation).toHaveBeenCalledTimes(1);
  });
});

describe("retryWithBackoff on an injected clock", () => {
  it("waits on the clock it is given, and says how long it waits", async () => {
    const clock = createManualClock(0);
    const { operation } = scriptedOperation([transient(), transient(), "ok"]);
    const retries: Array<{ attempt: number; delayMs: number }> = [];
    const result = retryWithBackoff(operation, { ...options, baseDelayMs: 600_000, maxDelayMs: 900_000, clock, onRetry: ({ attempt, delayMs }) => retries.push({ attempt, delayMs }) });
    await vi.waitFor(() => expect(retries).toHaveLength(1));
    expect(operation).toHaveBeenCalledTimes(1);
    await clock.advance(599_999);
    expect(operation).toHaveBeenCalledTimes(1);
    await clock.advance(1);
    await vi.waitFor(() => expect(retries).toHaveLength(2));
    expect(operation).toHaveBeenCalledTimes(2);
    await clock.advance(900_000);
    await expect(result).resolves.toBe("ok");
    expect(retries).toEqual([
      { attempt: 2, delayMs: 600_000 },
      { attempt: 3, delayMs: 900_000 },
    ]);
  });

  it("reports the jittered wait it makes, between one and two times the backoff and never under retry-after", () => {
    const backoff = { baseDelayMs: 100, maxDelayMs: 10_000, jitter: true };
    expect(retryDelayMs(1, transient(), backoff, () => 0)).toBe(100);
    expect(retryDelayMs(3, transient(), backoff, () => 0.5)).toBe(600);
    expect(retryDelayMs(10, transient(), backoff, () => 0.99)).toBe(10_000);
    expect(retryDelayMs(1, new RateLimitedError("slow down", 2_000), backoff, () => 0.5)).toBe(2_000);
    expect(retryDelayMs(2, transient(), { ...backoff, jitter: false }, () => 0.99)).toBe(200);
  });
});
