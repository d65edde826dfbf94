import { createInProcessRunQueue, createOrchestrator, defineAgent, isNeonhubError, type Orchestrator } from "@neonhub/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createPrometheusMetrics, type PrometheusMetrics } from "./create-prometheus-metrics.js";
import { sampleValue } from "./test-support/exposition.js";
import { promtoolAvailable, promtoolMissingMessage, runPromtool } from "./test-support/promtool.js";

const caller = { userId: "user-1", organizationId: "org-1" };
const text = z.object({ text: z.string() });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when a handler has set up its fake timer, so the test advances time from a known point. */
function startSignal() {
  let signal = () => undefined as void;
  const started = () => new Promise<void>((resolve) => (signal = resolve));
  return { started, notify: () => signal() };
}

const writerStarted = startSignal();
const flakyStarted = startSignal();

// Publishes in 30 ms through one tool call.
const writer = defineAgent({
  name: "writer",
  version: "1.0.0",
  description: "Writes and posts",
  input: text,
  output: text,
  policies: { admission: { enabled: true, limit: 3, windowMs: 60_000 } },
  handle: async (input, context) =>
    context.tool({ connector: "slack", action: "postMessage" }, input, async () => {
      const done = sleep(30);
      writerStarted.notify();
      await done;
      return { text: input.text };
    }),
});

// Fails its first attempt with a transient error after 20 ms, succeeds on the second after 20 ms.
const flaky = defineAgent({
  name: "flaky",
  version: "1.0.0",
  description: "Needs a retry",
  input: text,
  output: text,
  policies: { retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, jitter: false } },
  handle: async (input, context) =>
    context.tool({ connector: "email", action: "send" }, input, async () => {
      const done = sleep(20);
      flakyStarted.notify();
      await done;
      if (context.attempt === 1) throw Object.assign(new Error("upstream answered 503"), { retryable: true });
      return { text: input.text };
    }),
});

// Always fails at once; its breaker opens after two failures in a row.
const broken = defineAgent({
  name: "broken",
  version: "1.0.0",
  description: "Always fails",
  input: text,
  output: text,
  policies: { breaker: { enabled: true, failureThreshold: 2, resetTimeoutMs: 60_000 } },
  handle: async () => {
    throw new Error("template missing");
  },
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(isNeonhubError(error, code as never), `expected ${code}, got ${String(error)}`).toBe(true);
}

describe("metrics of orchestrated runs", () => {
  let metrics: PrometheusMetrics;
  let orchestrator: Orchestrator;

  beforeEach(() => {
    metrics = createPrometheusMetrics({ knownAgents: ["writer", "flaky", "broken"], knownConnectors: ["slack", "email"] });
    vi.useFakeTimers();
    orchestrator = createOrchestrator({ agents: [writer, flaky, broken], metrics: metrics.sink });
  });

  afterEach(async () => {
    vi.useRealTimers();
    await orchestrator.drain({ deadlineMs: 0 }).catch(() => undefined);
  });

  async function runMix(): Promise<void> {
    const request = (agent: string) => ({ agent, input: { text: "launch" }, context: caller });

    // Three runs within the writer's admission limit succeed, two more are rejected before a run exists.
    for (let index = 0; index < 3; index += 1) {
      const started = writerStarted.started();
      const run = orchestrator.orchestrate(request("writer"));
      await started;
      await vi.advanceTimersByTimeAsync(30);
      expect((await run).status).toBe("COMPLETED");
    }
    await expectCode(orchestrator.orchestrate(request("writer")), "RATE_LIMITED");
    await expectCode(orchestrator.orchestrate(request("writer")), "RATE_LIMITED");

    // One run succeeds on its second attempt after a 100 ms backoff: 20 + 100 + 20 ms.
    let started = flakyStarted.started();
    const retried = orchestrator.orchestrate(request("flaky"));
    await started;
    started = flakyStarted.started();
    await vi.advanceTimersByTimeAsync(20 + 100);
    await started;
    await vi.advanceTimersByTimeAsync(20);
    const retriedRun = await retried;
    expect(retriedRun).toMatchObject({ status: "COMPLETED", attempts: 2, durationMs: 140 });

    // Two failures open the breaker; the third run is rejected by it without calling the handler.
    await expectCode(orchestrator.orchestrate(request("broken")), "HANDLER_FAILED");
    await expectCode(orchestrator.orchestrate(request("broken")), "HANDLER_FAILED");
    await expectCode(orchestrator.orchestrate(request("broken")), "CIRCUIT_OPEN");
  }

  it("counts the runs, attempts, retries, rejections, breaker changes and tool calls of a mix of runs", async () => {
    await runMix();
    vi.useRealTimers();
    const exposition = await metrics.render();
    const value = (name: string, labels: Record<string, string>) => sampleValue(exposition, `neonhub_${name}`, labels);

    expect(value("agent_runs_total", { agent: "writer", status: "COMPLETED" })).toBe(3);
    expect(value("agent_runs_total", { agent: "flaky", status: "COMPLETED" })).toBe(1);
    expect(value("agent_runs_total", { agent: "broken", status: "FAILED" })).toBe(3);
    expect(value("agent_runs_total", { agent: "writer", status: "FAILED" })).toBe(0);
    expect(value("rate_limited_total", { agent: "writer", scope: "admission" })).toBe(2);
    expect(value("agent_run_retries_total", { agent: "flaky" })).toBe(1);
    expect(value("agent_run_attempts_total", { agent: "writer" })).toBe(3);
    expect(value("agent_run_attempts_total", { agent: "flaky" })).toBe(2);

    const writerRuns = { agent: "writer", status: "COMPLETED" };
    expect(value("agent_run_duration_seconds_count", writerRuns)).toBe(3);
    expect(value("agent_run_duration_seconds_sum", writerRuns)).toBeCloseTo(0.09, 10);
    expect(value("agent_run_duration_seconds_bucket", { ...writerRuns, le: "0.025" })).toBe(0);
    expect(value("agent_run_duration_seconds_bucket", { ...writerRuns, le: "0.05" })).toBe(3);
    const flakyRuns = { agent: "flaky", status: "COMPLETED" };
    expect(value("agent_run_duration_seconds_sum", flakyRuns)).toBeCloseTo(0.14, 10);
    expect(value("agent_run_duration_seconds_bucket", { ...flakyRuns, le: "0.1" })).toBe(0);
    expect(value("agent_run_duration_seconds_bucket", { ...flakyRuns, le: "0.25" })).toBe(1);
    const brokenRuns = { agent: "broken", status: "FAILED" };
    expect(value("agent_run_duration_seconds_count", brokenRuns)).toBe(3);
    expect(value("agent_run_duration_seconds_bucket", { ...brokenRuns, le: "0.005" })).toBe(3);

    expect(value("circuit_breaker_failures_total", { agent: "broken" })).toBe(2);
    expect(value("circuit_breaker_state", { agent: "broken" })).toBe(2);
    expect(value("circuit_breaker_state", { agent: "writer" })).toBe(0);
    expect(value("circuit_breaker_transitions_total", { agent: "broken", state: "open" })).toBe(1);

    expect(value("tool_executions_total", { connector: "slack", action: "postMessage", status: "SUCCEEDED" })).toBe(3);
    expect(value("tool_executions_total", { connector: "email", action: "send", status: "FAILED" })).toBe(1);
    expect(value("tool_executions_total", { connector: "email", action: "send", status: "SUCCEEDED" })).toBe(1);
    expect(value("tool_execution_duration_seconds_sum", { connector: "slack", action: "postMessage" })).toBeCloseTo(0.09, 10);
    expect(value("tool_execution_duration_seconds_bucket", { connector: "email", action: "send", le: "0.025" })).toBe(2);
    expect(value("tool_execution_duration_seconds_bucket", { connector: "email", action: "send", le: "0.01" })).toBe(0);
  });

  it("reports the depth of the run queue as runs wait and start", async () => {
    const queue = createInProcessRunQueue({ concurrency: 1, metrics: metrics.sink });
    const queued = createOrchestrator({ agents: [writer], metrics: metrics.sink, queue });
    const pending = async () => sampleValue(await metrics.render(), "neonhub_queue_jobs_pending", { queue: "runs" });

    let started = writerStarted.started();
    for (let index = 0; index < 3; index += 1) {
      expect((await queued.enqueue({ agent: "writer", input: { text: `post ${index}` }, context: caller })).status).toBe("QUEUED");
    }
    await started;
    expect(await pending()).toBe(2);
    started = writerStarted.started();
    await vi.advanceTimersByTimeAsync(30);
    await started;
    expect(await pending()).toBe(1);
    started = writerStarted.started();
    await vi.advanceTimersByTimeAsync(30);
    await started;
    expect(await pending()).toBe(0);
    await vi.advanceTimersByTimeAsync(30);
    vi.useRealTimers();
    await queued.drain({ deadlineMs: 1_000 });
  });

  const inCi = process.env.CI === "true";
  if (!promtoolAvailable && !inCi) console.warn(promtoolMissingMessage);

  it.skipIf(!promtoolAvailable && !inCi)("produces an exposition that passes promtool check metrics", async () => {
    expect(promtoolAvailable, promtoolMissingMessage).toBe(true);
    await runMix();
    vi.useRealTimers();
    metrics.sink.backgroundPassFinished({ task: "run_retention", outcome: "succeeded", items: 3 });
    metrics.sink.runTakenOver({ agent: "writer", outcome: "resumed" });
    const exposition = await metrics.render();
    expect(exposition).toContain('neonhub_agent_run_takeovers_total{agent="writer",outcome="resumed"} 1');
    expect(exposition).toContain("process_cpu_seconds_total");
    expect(exposition).toContain("neonhub_background_pass_last_success_timestamp_seconds{");
    const result = runPromtool(["check", "metrics"], exposition);
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  });
});
