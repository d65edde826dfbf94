import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isNeonhubError } from "../errors/neonhub-error.js";
import { createRecordingMetricsSink } from "../testing/recording-metrics-sink.js";
import { createCircuitBreaker } from "./circuit-breaker.js";

const fail = () => Promise.reject(new Error("down"));
const succeed = () => Promise.resolve("ok");

describe("circuit breaker", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const setup = (isFailure?: (error: unknown) => boolean) => {
    const metrics = createRecordingMetricsSink();
    const breaker = createCircuitBreaker({ name: "echo", kind: "agent", failureThreshold: 3, resetTimeoutMs: 10_000, metrics, ...(isFailure ? { isFailure } : {}) });
    return { breaker, metrics };
  };

  it("runs no timer while closed, however many calls it lets through", async () => {
    const { breaker } = setup();
    for (let index = 0; index < 600; index += 1) await breaker.execute(succeed);
    expect(vi.getTimerCount()).toBe(0);
    breaker.shutdown();
  });

  it("stays closed below the threshold and counts only consecutive failures", async () => {
    const { breaker } = setup();
    await expect(breaker.execute(fail)).rejects.toThrow("down");
    await expect(breaker.execute(fail)).rejects.toThrow("down");
    await expect(breaker.execute(succeed)).resolves.toBe("ok");
    await expect(breaker.execute(fail)).rejects.toThrow("down");
    await expect(breaker.execute(fail)).rejects.toThrow("down");
    expect(breaker.state()).toBe("closed");
    breaker.shutdown();
  });

  it("opens after 3 failures in a row and rejects at once with retryAfterMs", async () => {
    const { breaker, metrics } = setup();
    for (let index = 0; index < 3; index += 1) await expect(breaker.execute(fail)).rejects.toThrow("down");
    expect(breaker.state()).toBe("open");
    const action = vi.fn(succeed);
    await vi.advanceTimersByTimeAsync(4_000);
    const rejection = await breaker.execute(action).catch((error: unknown) => error);
    expect(isNeonhubError(rejection, "CIRCUIT_OPEN")).toBe(true);
    expect((rejection as { retryAfterMs: number }).retryAfterMs).toBe(6_000);
    expect(action).not.toHaveBeenCalled();
    expect(metrics.ofType("breakerFailure")).toHaveLength(3);
    expect(metrics.ofType("breakerStateChanged")).toEqual([{ name: "echo", kind: "agent", state: "open" }]);
    breaker.shutdown();
  });

  it("half-opens after the reset timeout; a failure opens it again", async () => {
    const { breaker, metrics } = setup();
    for (let index = 0; index < 3; index += 1) await expect(breaker.execute(fail)).rejects.toThrow();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(breaker.state()).toBe("half_open");
    await expect(breaker.execute(fail)).rejects.toThrow("down");
    expect(breaker.state()).toBe("open");
    expect(breaker.retryAfterMs()).toBe(10_000);
    expect(metrics.ofType("breakerStateChanged").map((event) => event.state)).toEqual(["open", "half_open", "open"]);
    breaker.shutdown();
  });

  it("lets one trial call through in half-open and refuses the others while it runs", async () => {
    const { breaker } = setup();
    for (let index = 0; index < 3; index += 1) await expect(breaker.execute(fail)).rejects.toThrow();
    await vi.advanceTimersByTimeAsync(10_000);
    let finishTrial: (value: string) => void = () => undefined;
    const trial = breaker.execute(() => new Promise<string>((resolve) => (finishTrial = resolve)));
    const second = vi.fn(succeed);
    const refusal = await breaker.execute(second).catch((error: unknown) => error);
    expect(isNeonhubError(refusal, "CIRCUIT_OPEN")).toBe(true);
    expect(second).not.toHaveBeenCalled();
    finishTrial("ok");
    await expect(trial).resolves.toBe("ok");
    expect(breaker.state()).toBe("closed");
    await expect(breaker.execute(second)).resolves.toBe("ok");
    breaker.shutdown();
  });

  it("closes on the first success in half-open", async () => {
    const { breaker, metrics } = setup();
    for (let index = 0; index < 3; index += 1) await expect(breaker.execute(fail)).rejects.toThrow();
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(breaker.execute(succeed)).resolves.toBe("ok");
    expect(breaker.state()).toBe("closed");
    expect(breaker.retryAfterMs()).toBe(0);
    expect(metrics.ofType("breakerStateChanged").map((event) => event.state)).toEqual(["open", "half_open", "closed"]);
    breaker.shutdown();
  });

  it("ignores errors that isFailure rejects but still passes them on", async () => {
    const { breaker } = setup((error) => (error as Error).message !== "caller mistake");
    for (let index = 0; index < 5; index += 1) await expect(breaker.execute(() => Promise.reject(new Error("caller mistake")))).rejects.toThrow("caller mistake");
    expect(breaker.state()).toBe("closed");
    breaker.shutdown();
  });

  it("rejects invalid options", () => {
    expect(() => createCircuitBreaker({ name: "x", kind: "agent", failureThreshold: 0, resetTimeoutMs: 1 })).toThrow(/failureThreshold/);
    expect(() => createCircuitBreaker({ name: "x", kind: "agent", failureThreshold: 1, resetTimeoutMs: 0 })).toThrow(/resetTimeoutMs/);
    expect(() => createCircuitBreaker({ name: "x", kind: "agent", failureThreshold: 1, resetTimeoutMs: 2_147_483_648 })).toThrow(/resetTimeoutMs .* at most 2147483647/);
  });
});
