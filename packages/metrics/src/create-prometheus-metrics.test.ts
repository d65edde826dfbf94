import { isNeonhubError } from "@neonhub/core";
import { Counter, register as globalRegistry, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createPrometheusMetrics } from "./create-prometheus-metrics.js";
import { metricTypes, sampleValue } from "./test-support/exposition.js";

const EXPECTED_TYPES: Record<string, string> = {
  neonhub_agent_runs_total: "counter",
  neonhub_agent_run_duration_seconds: "histogram",
  neonhub_agent_run_attempts_total: "counter",
  neonhub_agent_run_retries_total: "counter",
  neonhub_agent_run_takeovers_total: "counter",
  neonhub_circuit_breaker_state: "gauge",
  neonhub_circuit_breaker_failures_total: "counter",
  neonhub_circuit_breaker_transitions_total: "counter",
  neonhub_circuit_breaker_open_organizations: "gauge",
  neonhub_connector_circuit_breaker_state: "gauge",
  neonhub_connector_circuit_breaker_failures_total: "counter",
  neonhub_connector_circuit_breaker_transitions_total: "counter",
  neonhub_rate_limited_total: "counter",
  neonhub_tool_executions_total: "counter",
  neonhub_tool_execution_duration_seconds: "histogram",
  neonhub_queue_jobs_pending: "gauge",
  neonhub_connector_api_version_deprecated: "gauge",
  neonhub_connector_api_version_sunset_timestamp_seconds: "gauge",
  neonhub_connections: "gauge",
  neonhub_connection_refreshes_total: "counter",
  neonhub_background_passes_total: "counter",
  neonhub_background_pass_items_total: "counter",
  neonhub_background_pass_last_success_timestamp_seconds: "gauge",
  neonhub_scrape_collect_failures_total: "counter",
  neonhub_clock_offset_seconds: "gauge",
};

function expectConfigurationError(create: () => unknown, message: RegExp): void {
  try {
    create();
  } catch (error) {
    expect(isNeonhubError(error, "CONFIGURATION_INVALID")).toBe(true);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error("expected a ConfigurationError");
}

describe("createPrometheusMetrics", () => {
  it("registers every metric of the design with its type on its own registry, not the global one", async () => {
    const metrics = createPrometheusMetrics();
    const types = metricTypes(await metrics.render());
    for (const [name, type] of Object.entries(EXPECTED_TYPES)) expect(types.get(name), name).toBe(type);
    expect([...metrics.metricNames].sort()).toEqual(Object.keys(EXPECTED_TYPES).sort());
    expect(await globalRegistry.metrics()).not.toContain("neonhub_");
    expect(metrics.contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
  });

  it("counts refreshes by connector and outcome, and reads connections by connector and status at each scrape", async () => {
    const metrics = createPrometheusMetrics({ collectDefaultMetrics: false, knownConnectors: ["slack"], maxLabelValues: 1 });
    metrics.sink.connectionRefreshed({ connector: "slack", outcome: "refreshed" });
    metrics.sink.connectionRefreshed({ connector: "slack", outcome: "refreshed" });
    metrics.sink.connectionRefreshed({ connector: "slack", outcome: "rejected" });
    let counts = [
      { connector: "slack", status: "ACTIVE", count: 3 },
      { connector: "plugin-a", status: "EXPIRED", count: 1 },
      { connector: "plugin-b", status: "EXPIRED", count: 2 },
    ];
    expect(await metrics.render()).not.toContain("neonhub_connections{");
    metrics.observeConnections(async () => counts);
    const text = await metrics.render();
    expect(text).toContain('neonhub_connection_refreshes_total{connector="slack",outcome="refreshed"} 2');
    expect(text).toContain('neonhub_connection_refreshes_total{connector="slack",outcome="rejected"} 1');
    expect(text).toContain('neonhub_connections{connector="slack",status="ACTIVE"} 3');
    // Beyond the allowed connector names, counts add up under "other".
    expect(text).toContain('neonhub_connections{connector="plugin-a",status="EXPIRED"} 1');
    expect(text).toContain('neonhub_connections{connector="other",status="EXPIRED"} 2');
    counts = [{ connector: "slack", status: "REVOKED", count: 1 }];
    const next = await metrics.render();
    expect(next).toContain('neonhub_connections{connector="slack",status="REVOKED"} 1');
    expect(next).not.toContain('neonhub_connections{connector="slack",status="ACTIVE"}');
  });

  it("reads the clock offset at each scrape, in seconds, with no series before the first measurement", async () => {
    const metrics = createPrometheusMetrics({ collectDefaultMetrics: false });
    expect(await metrics.render()).not.toMatch(/^neonhub_clock_offset_seconds /m);
    let latest: { offsetMs: number; uncertaintyMs: number; measuredAt: number } | null = null;
    metrics.observeClockOffset(() => latest);
    expect(await metrics.render()).not.toMatch(/^neonhub_clock_offset_seconds /m);
    latest = { offsetMs: -60_020, uncertaintyMs: 20, measuredAt: 0 };
    expect(sampleValue(await metrics.render(), "neonhub_clock_offset_seconds", {})).toBe(-60.02);
    latest = { offsetMs: 1_500, uncertaintyMs: 3, measuredAt: 0 };
    expect(sampleValue(await metrics.render(), "neonhub_clock_offset_seconds", {})).toBe(1.5);
    expectConfigurationError(() => metrics.observeClockOffset(42 as never), /observeClockOffset/);
  });

  it("collects the default process metrics on a registry it creates, without the gauges named like counters", async () => {
    const text = await createPrometheusMetrics().render();
    expect(metricTypes(text).get("process_cpu_seconds_total")).toBe("counter");
    expect(metricTypes(text).get("nodejs_eventloop_lag_seconds")).toBe("gauge");
    expect(text).not.toContain("nodejs_active_handles_total");
  });

  it("uses a registry it is given, without default metrics unless asked", async () => {
    const registry = new Registry();
    const metrics = createPrometheusMetrics({ registry });
    expect(metrics.registry).toBe(registry);
    const text = await registry.metrics();
    expect(text).toContain("neonhub_agent_runs_total");
    expect(text).not.toContain("process_cpu_seconds_total");

    const withDefaults = new Registry();
    createPrometheusMetrics({ registry: withDefaults, collectDefaultMetrics: true });
    expect(await withDefaults.metrics()).toContain("process_cpu_seconds_total");
  });

  it("applies another prefix to every metric", async () => {
    const metrics = createPrometheusMetrics({ prefix: "acme_", collectDefaultMetrics: false });
    metrics.sink.runFinished({ agent: "writer", status: "COMPLETED", durationMs: 10, attempts: 1 });
    const text = await metrics.render();
    expect(sampleValue(text, "acme_agent_runs_total", { agent: "writer", status: "COMPLETED" })).toBe(1);
    expect(text).not.toContain("neonhub_");
    expect(metrics.metricNames).toContain("acme_queue_jobs_pending");
  });

  it("starts known agents and connectors at zero so rates and alerts work before the first run", async () => {
    const metrics = createPrometheusMetrics({ knownAgents: ["writer"], knownConnectors: ["slack"], collectDefaultMetrics: false });
    const text = await metrics.render();
    for (const status of ["COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"]) {
      expect(sampleValue(text, "neonhub_agent_runs_total", { agent: "writer", status })).toBe(0);
    }
    expect(sampleValue(text, "neonhub_circuit_breaker_state", { agent: "writer" })).toBe(0);
    expect(sampleValue(text, "neonhub_connector_circuit_breaker_state", { connector: "slack" })).toBe(0);
  });

  it("starts agents made known after creation at zero, without taking the places of agents it was not told of", async () => {
    const metrics = createPrometheusMetrics({ maxLabelValues: 1, collectDefaultMetrics: false });
    metrics.knowAgents(["writer", "seo", "writer"]);
    let text = await metrics.render();
    for (const agent of ["writer", "seo"]) {
      for (const status of ["COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"]) expect(sampleValue(text, "neonhub_agent_runs_total", { agent, status })).toBe(0);
      for (const outcome of ["resumed", "failed"]) expect(sampleValue(text, "neonhub_agent_run_takeovers_total", { agent, outcome })).toBe(0);
      expect(sampleValue(text, "neonhub_circuit_breaker_state", { agent })).toBe(0);
    }
    // One place beyond the known agents: the first unknown agent keeps its name, the next folds into `other`.
    for (const agent of ["seo", "extra", "another"]) metrics.sink.runFinished({ agent, status: "COMPLETED", durationMs: 1, attempts: 1 });
    text = await metrics.render();
    expect(sampleValue(text, "neonhub_agent_runs_total", { agent: "seo", status: "COMPLETED" })).toBe(1);
    expect(sampleValue(text, "neonhub_agent_runs_total", { agent: "extra", status: "COMPLETED" })).toBe(1);
    expect(sampleValue(text, "neonhub_agent_runs_total", { agent: "other", status: "COMPLETED" })).toBe(1);
  });

  it("refuses to register twice on the same registry, leaving it untouched", async () => {
    const registry = new Registry();
    createPrometheusMetrics({ registry });
    const before = await registry.metrics();
    expectConfigurationError(() => createPrometheusMetrics({ registry }), /already holds neonhub_agent_runs_total/);
    expect(await registry.metrics()).toBe(before);
  });

  it("explains a clash with default metrics the registry already collects", () => {
    const registry = new Registry();
    new Counter({ name: "process_cpu_user_seconds_total", help: "taken", registers: [registry] });
    expectConfigurationError(() => createPrometheusMetrics({ registry, collectDefaultMetrics: true }), /collectDefaultMetrics: false/);
  });

  it("rejects invalid options before registering anything", () => {
    expectConfigurationError(() => createPrometheusMetrics({ prefix: "9bad-" }), /prefix "9bad-" is invalid/);
    expectConfigurationError(() => createPrometheusMetrics({ maxLabelValues: -1 }), /maxLabelValues/);
    expectConfigurationError(() => createPrometheusMetrics({ maxLabelValues: 1.5 }), /maxLabelValues/);
    expectConfigurationError(() => createPrometheusMetrics({ runDurationBuckets: [1, 0.5] }), /runDurationBuckets/);
    expectConfigurationError(() => createPrometheusMetrics({ toolDurationBuckets: [] }), /toolDurationBuckets/);
    expectConfigurationError(() => createPrometheusMetrics({ toolDurationBuckets: [0, 1] }), /toolDurationBuckets/);
    expectConfigurationError(() => createPrometheusMetrics({ collectTimeoutMs: 0 }), /collectTimeoutMs/);
    expectConfigurationError(
      () => createPrometheusMetrics({ registry: {} as never }),
      /prom-client Registry/,
    );
  });

  it("uses custom histogram buckets", async () => {
    const metrics = createPrometheusMetrics({ runDurationBuckets: [1, 60], collectDefaultMetrics: false });
    metrics.sink.runFinished({ agent: "writer", status: "COMPLETED", durationMs: 30_000, attempts: 1 });
    const text = await metrics.render();
    const labels = { agent: "writer", status: "COMPLETED" };
    expect(sampleValue(text, "neonhub_agent_run_duration_seconds_bucket", { ...labels, le: "1" })).toBe(0);
    expect(sampleValue(text, "neonhub_agent_run_duration_seconds_bucket", { ...labels, le: "60" })).toBe(1);
    expect(sampleValue(text, "neonhub_agent_run_duration_seconds_bucket", { ...labels, le: "0.5" })).toBeUndefined();
  });
});
