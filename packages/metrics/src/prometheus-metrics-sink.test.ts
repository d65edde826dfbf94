import { afterEach, describe, expect, it, vi } from "vitest";
import { createPrometheusMetrics, type PrometheusMetricsOptions } from "./create-prometheus-metrics.js";
import { parseExposition, sampleValue } from "./test-support/exposition.js";

function setup(options: PrometheusMetricsOptions = {}) {
  return createPrometheusMetrics({ collectDefaultMetrics: false, ...options });
}

describe("PrometheusMetricsSink", () => {
  it("counts finished runs by agent and status, observes their duration in seconds and adds their attempts", async () => {
    const { sink, render } = setup();
    sink.runFinished({ agent: "writer", status: "COMPLETED", durationMs: 40, attempts: 1 });
    sink.runFinished({ agent: "writer", status: "COMPLETED", durationMs: 1_500, attempts: 2 });
    sink.runFinished({ agent: "writer", status: "TIMED_OUT", durationMs: 60_000, attempts: 3 });
    sink.runFinished({ agent: "seo", status: "FAILED", durationMs: 5, attempts: 1 });
    const text = await render();

    const completed = { agent: "writer", status: "COMPLETED" };
    expect(sampleValue(text, "neonhub_agent_runs_total", completed)).toBe(2);
    expect(sampleValue(text, "neonhub_agent_runs_total", { agent: "writer", status: "TIMED_OUT" })).toBe(1);
    expect(sampleValue(text, "neonhub_agent_runs_total", { agent: "seo", status: "FAILED" })).toBe(1);
    expect(sampleValue(text, "neonhub_agent_run_duration_seconds_count", completed)).toBe(2);
    expect(sampleValue(text, "neonhub_agent_run_duration_seconds_sum", completed)).toBeCloseTo(1.54, 10);
    expect(sampleValue(text, "neonhub_agent_run_duration_seconds_bucket", { ...completed, le: "0.05" })).toBe(1);
    expect(sampleValue(text, "neonhub_agent_run_duration_seconds_bucket", { ...completed, le: "1" })).toBe(1);
    expect(sampleValue(text, "neonhub_agent_run_duration_seconds_bucket", { ...completed, le: "2.5" })).toBe(2);
    expect(sampleValue(text, "neonhub_agent_run_duration_seconds_bucket", { agent: "writer", status: "TIMED_OUT", le: "30" })).toBe(0);
    expect(sampleValue(text, "neonhub_agent_run_duration_seconds_bucket", { agent: "writer", status: "TIMED_OUT", le: "60" })).toBe(1);
    expect(sampleValue(text, "neonhub_agent_run_attempts_total", { agent: "writer" })).toBe(6);
    expect(sampleValue(text, "neonhub_agent_run_attempts_total", { agent: "seo" })).toBe(1);
  });

  it("counts scheduled retries per agent", async () => {
    const { sink, render } = setup();
    sink.retryScheduled({ agent: "writer", attempt: 1, delayMs: 75 });
    sink.retryScheduled({ agent: "writer", attempt: 2, delayMs: 150 });
    expect(sampleValue(await render(), "neonhub_agent_run_retries_total", { agent: "writer" })).toBe(2);
  });

  it("counts takeovers by agent and outcome, from zero for known agents, with unknown outcomes as other", async () => {
    const { sink, render } = setup({ knownAgents: ["writer", "seo"], maxLabelValues: 0 });
    let text = await render();
    for (const agent of ["writer", "seo"]) {
      for (const outcome of ["resumed", "failed"]) expect(sampleValue(text, "neonhub_agent_run_takeovers_total", { agent, outcome }), `${agent} ${outcome}`).toBe(0);
    }
    sink.runTakenOver({ agent: "writer", outcome: "resumed" });
    sink.runTakenOver({ agent: "writer", outcome: "resumed" });
    sink.runTakenOver({ agent: "writer", outcome: "failed" });
    sink.runTakenOver({ agent: "unregistered", outcome: "resumed" });
    sink.runTakenOver({ agent: "seo", outcome: "lost" as never });
    text = await render();
    expect(text).toContain("# TYPE neonhub_agent_run_takeovers_total counter");
    expect(sampleValue(text, "neonhub_agent_run_takeovers_total", { agent: "writer", outcome: "resumed" })).toBe(2);
    expect(sampleValue(text, "neonhub_agent_run_takeovers_total", { agent: "writer", outcome: "failed" })).toBe(1);
    expect(sampleValue(text, "neonhub_agent_run_takeovers_total", { agent: "seo", outcome: "resumed" })).toBe(0);
    expect(sampleValue(text, "neonhub_agent_run_takeovers_total", { agent: "other", outcome: "resumed" })).toBe(1);
    expect(sampleValue(text, "neonhub_agent_run_takeovers_total", { agent: "seo", outcome: "other" })).toBe(1);
  });

  it("reports agent and connector breakers on separate metrics, with 0 closed, 1 half-open and 2 open", async () => {
    const { sink, render } = setup();
    sink.breakerFailure({ name: "writer", kind: "agent" });
    sink.breakerFailure({ name: "writer", kind: "agent" });
    sink.breakerStateChanged({ name: "writer", kind: "agent", state: "open" });
    sink.breakerFailure({ name: "slack", kind: "connector" });
    sink.breakerStateChanged({ name: "slack", kind: "connector", state: "open" });
    sink.breakerStateChanged({ name: "slack", kind: "connector", state: "half_open" });
    let text = await render();
    expect(sampleValue(text, "neonhub_circuit_breaker_state", { agent: "writer" })).toBe(2);
    expect(sampleValue(text, "neonhub_circuit_breaker_failures_total", { agent: "writer" })).toBe(2);
    expect(sampleValue(text, "neonhub_circuit_breaker_transitions_total", { agent: "writer", state: "open" })).toBe(1);
    expect(sampleValue(text, "neonhub_connector_circuit_breaker_state", { connector: "slack" })).toBe(1);
    expect(sampleValue(text, "neonhub_connector_circuit_breaker_failures_total", { connector: "slack" })).toBe(1);
    expect(sampleValue(text, "neonhub_connector_circuit_breaker_transitions_total", { connector: "slack", state: "half_open" })).toBe(1);
    expect(sampleValue(text, "neonhub_circuit_breaker_state", { agent: "slack" })).toBeUndefined();

    sink.breakerStateChanged({ name: "writer", kind: "agent", state: "closed" });
    text = await render();
    expect(sampleValue(text, "neonhub_circuit_breaker_state", { agent: "writer" })).toBe(0);
    expect(sampleValue(text, "neonhub_circuit_breaker_transitions_total", { agent: "writer", state: "closed" })).toBe(1);
  });

  it("counts the open organizations of an organization-scoped agent and leaves the state gauge to agent-scoped breakers", async () => {
    const { sink, render } = setup({ knownAgents: ["writer", "seo"] });
    expect(sampleValue(await render(), "neonhub_circuit_breaker_state", { agent: "writer" })).toBe(0);
    sink.breakerOpenOrganizationsChanged({ agent: "writer", open: 0 });
    let text = await render();
    expect(sampleValue(text, "neonhub_circuit_breaker_open_organizations", { agent: "writer" })).toBe(0);
    expect(sampleValue(text, "neonhub_circuit_breaker_state", { agent: "writer" })).toBeUndefined();
    expect(sampleValue(text, "neonhub_circuit_breaker_state", { agent: "seo" })).toBe(0);

    for (let organization = 0; organization < 3; organization += 1) {
      sink.breakerFailure({ name: "writer", kind: "agent" });
      sink.breakerStateChanged({ name: "writer", kind: "agent", state: "open", scope: "organization" });
      sink.breakerOpenOrganizationsChanged({ agent: "writer", open: organization + 1 });
    }
    sink.breakerStateChanged({ name: "writer", kind: "agent", state: "half_open", scope: "organization" });
    sink.breakerOpenOrganizationsChanged({ agent: "writer", open: 2 });
    sink.breakerStateChanged({ name: "seo", kind: "agent", state: "open" });
    text = await render();
    expect(sampleValue(text, "neonhub_circuit_breaker_open_organizations", { agent: "writer" })).toBe(2);
    expect(sampleValue(text, "neonhub_circuit_breaker_state", { agent: "writer" })).toBeUndefined();
    expect(sampleValue(text, "neonhub_circuit_breaker_transitions_total", { agent: "writer", state: "open" })).toBe(3);
    expect(sampleValue(text, "neonhub_circuit_breaker_transitions_total", { agent: "writer", state: "half_open" })).toBe(1);
    expect(sampleValue(text, "neonhub_circuit_breaker_failures_total", { agent: "writer" })).toBe(3);
    expect(sampleValue(text, "neonhub_circuit_breaker_state", { agent: "seo" })).toBe(2);
    expect(sampleValue(text, "neonhub_circuit_breaker_open_organizations", { agent: "seo" })).toBeUndefined();
  });

  it("ignores a count of open organizations that is not a number of at least 0", async () => {
    const { sink, render } = setup();
    sink.breakerOpenOrganizationsChanged({ agent: "writer", open: 1 });
    for (const open of [-1, Number.NaN, Number.POSITIVE_INFINITY, "2" as never]) sink.breakerOpenOrganizationsChanged({ agent: "writer", open });
    expect(sampleValue(await render(), "neonhub_circuit_breaker_open_organizations", { agent: "writer" })).toBe(1);
  });

  it("counts rejections by agent and scope, folding an unknown scope into other", async () => {
    const { sink, render } = setup();
    sink.rateLimited({ agent: "writer", scope: "admission" });
    sink.rateLimited({ agent: "writer", scope: "admission" });
    sink.rateLimited({ agent: "writer", scope: "concurrency" });
    sink.rateLimited({ agent: "writer", scope: "per-user-42" as never });
    const text = await render();
    expect(sampleValue(text, "neonhub_rate_limited_total", { agent: "writer", scope: "admission" })).toBe(2);
    expect(sampleValue(text, "neonhub_rate_limited_total", { agent: "writer", scope: "concurrency" })).toBe(1);
    expect(sampleValue(text, "neonhub_rate_limited_total", { agent: "writer", scope: "other" })).toBe(1);
  });

  it("counts tool executions by connector, action and status and observes their duration", async () => {
    const { sink, render } = setup();
    sink.toolExecutionFinished({ connector: "slack", action: "postMessage", status: "SUCCEEDED", durationMs: 120 });
    sink.toolExecutionFinished({ connector: "slack", action: "postMessage", status: "FAILED", durationMs: 3 });
    sink.toolExecutionFinished({ connector: "email", action: "send", status: "SUCCEEDED", durationMs: 8 });
    const text = await render();
    expect(sampleValue(text, "neonhub_tool_executions_total", { connector: "slack", action: "postMessage", status: "SUCCEEDED" })).toBe(1);
    expect(sampleValue(text, "neonhub_tool_executions_total", { connector: "slack", action: "postMessage", status: "FAILED" })).toBe(1);
    expect(sampleValue(text, "neonhub_tool_execution_duration_seconds_count", { connector: "slack", action: "postMessage" })).toBe(2);
    expect(sampleValue(text, "neonhub_tool_execution_duration_seconds_sum", { connector: "slack", action: "postMessage" })).toBeCloseTo(0.123, 10);
    expect(sampleValue(text, "neonhub_tool_execution_duration_seconds_bucket", { connector: "email", action: "send", le: "0.01" })).toBe(1);
    expect(sampleValue(text, "neonhub_tool_execution_duration_seconds_bucket", { connector: "email", action: "send", le: "0.005" })).toBe(0);
  });

  it("sets the pending jobs of each queue", async () => {
    const { sink, render } = setup();
    sink.queueDepthChanged({ queue: "runs", pending: 4 });
    sink.queueDepthChanged({ queue: "runs", pending: 1 });
    expect(sampleValue(await render(), "neonhub_queue_jobs_pending", { queue: "runs" })).toBe(1);
  });

  describe("background passes", () => {
    afterEach(() => vi.useRealTimers());

    it("counts passes by task and outcome, adds what they did, and stamps the last success of each task", async () => {
      vi.useFakeTimers({ toFake: ["Date"] });
      const { sink, render } = setup();
      vi.setSystemTime(Date.UTC(2026, 0, 1, 6));
      sink.backgroundPassFinished({ task: "run_retention", outcome: "succeeded", items: 500 });
      vi.setSystemTime(Date.UTC(2026, 0, 1, 7));
      sink.backgroundPassFinished({ task: "run_retention", outcome: "failed", items: 20 });
      sink.backgroundPassFinished({ task: "schedules", outcome: "succeeded", items: 2 });
      sink.backgroundPassFinished({ task: "made_up" as never, outcome: "succeeded", items: Number.NaN });
      const text = await render();
      expect(sampleValue(text, "neonhub_background_passes_total", { task: "run_retention", outcome: "succeeded" })).toBe(1);
      expect(sampleValue(text, "neonhub_background_passes_total", { task: "run_retention", outcome: "failed" })).toBe(1);
      expect(sampleValue(text, "neonhub_background_pass_items_total", { task: "run_retention" })).toBe(520);
      expect(sampleValue(text, "neonhub_background_pass_items_total", { task: "schedules" })).toBe(2);
      // A failed pass leaves the last success where it was, which is what an alert on its age reads.
      expect(sampleValue(text, "neonhub_background_pass_last_success_timestamp_seconds", { task: "run_retention" })).toBe(Date.UTC(2026, 0, 1, 6) / 1000);
      expect(sampleValue(text, "neonhub_background_pass_last_success_timestamp_seconds", { task: "schedules" })).toBe(Date.UTC(2026, 0, 1, 7) / 1000);
      expect(sampleValue(text, "neonhub_background_passes_total", { task: "other", outcome: "succeeded" })).toBe(1);
      expect(sampleValue(text, "neonhub_background_pass_items_total", { task: "other" })).toBe(0);
    });
  });

  it("never throws on bad numbers and observes nothing it cannot measure", async () => {
    const { sink, render } = setup();
    expect(() => {
      sink.runFinished({ agent: "writer", status: "FAILED", durationMs: Number.NaN, attempts: -1 });
      sink.toolExecutionFinished({ connector: "slack", action: "post", status: "FAILED", durationMs: Number.POSITIVE_INFINITY });
      sink.queueDepthChanged({ queue: "runs", pending: -3 });
      sink.breakerStateChanged({ name: "writer", kind: "agent", state: "melted" as never });
    }).not.toThrow();
    const text = await render();
    expect(sampleValue(text, "neonhub_agent_runs_total", { agent: "writer", status: "FAILED" })).toBe(1);
    expect(sampleValue(text, "neonhub_agent_run_duration_seconds_count", { agent: "writer", status: "FAILED" })).toBe(0);
    expect(sampleValue(text, "neonhub_agent_run_attempts_total", { agent: "writer" })).toBe(0);
    expect(sampleValue(text, "neonhub_tool_execution_duration_seconds_count", { connector: "slack", action: "post" })).toBe(0);
    expect(sampleValue(text, "neonhub_queue_jobs_pending", { queue: "runs" })).toBeUndefined();
    expect(sampleValue(text, "neonhub_circuit_breaker_state", { agent: "writer" })).toBeUndefined();
  });

  describe("label bounds", () => {
    it("keeps known names, admits a few others, and folds the rest into other", async () => {
      const { sink, render } = setup({ knownAgents: ["writer", "seo"], maxLabelValues: 2 });
      for (const agent of ["writer", "seo", "first", "second", "third", "fourth"]) {
        sink.runFinished({ agent, status: "COMPLETED", durationMs: 1, attempts: 1 });
      }
      sink.rateLimited({ agent: "fifth", scope: "admission" });
      const text = await render();
      const agents = new Set(parseExposition(text).map((sample) => sample.labels.agent).filter(Boolean));
      expect([...agents].sort()).toEqual(["first", "other", "second", "seo", "writer"]);
      expect(sampleValue(text, "neonhub_agent_runs_total", { agent: "other", status: "COMPLETED" })).toBe(2);
      expect(sampleValue(text, "neonhub_rate_limited_total", { agent: "other", scope: "admission" })).toBe(1);
    });

    it("accepts only the known names with maxLabelValues 0", async () => {
      const { sink, render } = setup({ knownConnectors: ["slack"], knownActions: ["postMessage"], maxLabelValues: 0 });
      sink.toolExecutionFinished({ connector: "slack", action: "postMessage", status: "SUCCEEDED", durationMs: 1 });
      sink.toolExecutionFinished({ connector: "user-supplied", action: "anything", status: "SUCCEEDED", durationMs: 1 });
      sink.queueDepthChanged({ queue: "runs", pending: 2 });
      const text = await render();
      expect(sampleValue(text, "neonhub_tool_executions_total", { connector: "slack", action: "postMessage", status: "SUCCEEDED" })).toBe(1);
      expect(sampleValue(text, "neonhub_tool_executions_total", { connector: "other", action: "other", status: "SUCCEEDED" })).toBe(1);
      expect(sampleValue(text, "neonhub_queue_jobs_pending", { queue: "other" })).toBe(2);
    });

    it("folds empty, overly long and non-string names into other without using up the allowance", async () => {
      const { sink, render } = setup({ maxLabelValues: 1 });
      sink.runFinished({ agent: "", status: "COMPLETED", durationMs: 1, attempts: 1 });
      sink.runFinished({ agent: "x".repeat(101), status: "COMPLETED", durationMs: 1, attempts: 1 });
      sink.runFinished({ agent: 42 as never, status: "COMPLETED", durationMs: 1, attempts: 1 });
      sink.runFinished({ agent: "writer", status: "COMPLETED", durationMs: 1, attempts: 1 });
      const text = await render();
      expect(sampleValue(text, "neonhub_agent_runs_total", { agent: "other", status: "COMPLETED" })).toBe(3);
      expect(sampleValue(text, "neonhub_agent_runs_total", { agent: "writer", status: "COMPLETED" })).toBe(1);
    });

    it("folds an unknown run status into other", async () => {
      const { sink, render } = setup();
      sink.runFinished({ agent: "writer", status: "EXPLODED" as never, durationMs: 1, attempts: 1 });
      expect(sampleValue(await render(), "neonhub_agent_runs_total", { agent: "writer", status: "other" })).toBe(1);
    });
  });
});
