import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { createPrometheusMetrics } from "./create-prometheus-metrics.js";
import { parseExposition, metricTypes } from "./test-support/exposition.js";
import { promtoolAvailable, promtoolMissingMessage, runPromtool } from "./test-support/promtool.js";
import { labelNamesIn, metricNamesIn } from "./test-support/promql.js";

const observabilityFile = (name: string) => fileURLToPath(new URL(`../../../observability/${name}`, import.meta.url));

interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: string; uid: string };
  targets: Array<{ expr: string; refId: string }>;
}

interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

const dashboard = JSON.parse(readFileSync(observabilityFile("grafana-dashboard.json"), "utf8")) as {
  uid: string;
  panels: DashboardPanel[];
  templating: { list: Array<{ name: string; query: unknown }> };
};
const alertRules = (parseYaml(readFileSync(observabilityFile("prometheus-alerts.yml"), "utf8")) as { groups: Array<{ rules: AlertRule[] }> }).groups.flatMap(
  (group) => group.rules,
);

// Every metric family and label name the exposition can contain, with the series names histograms add.
const exported = { metrics: new Set<string>(), labels: new Set<string>() };
beforeAll(async () => {
  const metrics = createPrometheusMetrics();
  metrics.sink.runFinished({ agent: "writer", status: "COMPLETED", durationMs: 1, attempts: 1 });
  metrics.sink.retryScheduled({ agent: "writer", attempt: 2, delayMs: 1 });
  metrics.sink.runTakenOver({ agent: "writer", outcome: "failed" });
  metrics.sink.breakerStateChanged({ name: "writer", kind: "agent", state: "open" });
  metrics.sink.breakerStateChanged({ name: "slack", kind: "connector", state: "open" });
  metrics.sink.breakerOpenOrganizationsChanged({ agent: "shop-sync", open: 1 });
  metrics.sink.breakerFailure({ name: "writer", kind: "agent" });
  metrics.sink.breakerFailure({ name: "slack", kind: "connector" });
  metrics.sink.rateLimited({ agent: "writer", scope: "admission" });
  metrics.sink.toolExecutionFinished({ connector: "slack", action: "postMessage", status: "SUCCEEDED", durationMs: 1 });
  metrics.sink.queueDepthChanged({ queue: "runs", pending: 1 });
  metrics.sink.backgroundPassFinished({ task: "schedules", outcome: "succeeded", items: 1 });
  metrics.observeConnections(async () => []);
  metrics.observeClockOffset(() => ({ offsetMs: 0, uncertaintyMs: 1, measuredAt: 0 }));
  const exposition = await metrics.render();
  for (const [name, type] of metricTypes(exposition)) {
    exported.metrics.add(name);
    if (type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) exported.metrics.add(`${name}${suffix}`);
  }
  for (const sample of parseExposition(exposition)) for (const label of Object.keys(sample.labels)) exported.labels.add(label);
});

function expectKnownNames(where: string, expression: string): void {
  const names = metricNamesIn(expression);
  expect(names.length, `${where} selects no metric: ${expression}`).toBeGreaterThan(0);
  for (const name of names) expect(exported.metrics.has(name), `${where} uses ${name}, which is not exported`).toBe(true);
  for (const label of labelNamesIn(expression)) expect(exported.labels.has(label), `${where} uses label ${label}, which no metric has`).toBe(true);
}

describe("Grafana dashboard", () => {
  it("queries only metrics and labels the package exports", () => {
    const expressions = dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ where: `panel "${panel.title}"`, expression: target.expr })));
    expect(expressions.length).toBeGreaterThan(0);
    for (const { where, expression } of expressions) expectKnownNames(where, expression);
    const agentVariable = dashboard.templating.list.find((variable) => variable.name === "agent");
    expectKnownNames("variable agent", (agentVariable?.query as { query: string }).query.replace(/^label_values\((\w+),.*$/, "$1"));
  });

  it("covers runs by status, errors, duration quantiles, breakers, limits, takeovers, tool calls and queue depth", () => {
    const used = new Set(dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => metricNamesIn(target.expr))));
    for (const name of [
      "neonhub_agent_runs_total",
      "neonhub_agent_run_duration_seconds_bucket",
      "neonhub_circuit_breaker_state",
      "neonhub_connector_circuit_breaker_state",
      "neonhub_circuit_breaker_open_organizations",
      "neonhub_rate_limited_total",
      "neonhub_agent_run_takeovers_total",
      "neonhub_tool_executions_total",
      "neonhub_queue_jobs_pending",
    ]) {
      expect(used, name).toContain(name);
    }
    const quantiles = dashboard.panels.flatMap((panel) => panel.targets.map((target) => /histogram_quantile\((0\.\d+)/.exec(target.expr)?.[1]));
    expect(quantiles).toEqual(expect.arrayContaining(["0.5", "0.95", "0.99"]));
  });

  it("has unique panel ids, a layout and the data source variable on every panel", () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.title).not.toBe("");
      expect(panel.gridPos.w).toBeGreaterThan(0);
      expect(panel.datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
    }
    expect(dashboard.templating.list.map((variable) => variable.name)).toEqual(["datasource", "agent"]);
  });
});

describe("Grafana dashboard queries on promtool", () => {
  const inCi = process.env.CI === "true";

  // Every process that touches a BullMQ queue reads the queue's one depth from Redis and exports it, API hosts and
  // workers alike: three processes report the same 5 waiting runs.
  it.skipIf(!promtoolAvailable && !inCi)("counts a shared queue's waiting runs once, however many processes report its depth", () => {
    expect(promtoolAvailable, promtoolMissingMessage).toBe(true);
    const panel = dashboard.panels.find((candidate) => candidate.title === "Queue depth");
    const expression = panel?.targets[0]?.expr ?? "";
    const folder = mkdtempSync(join(tmpdir(), "queue-depth-"));
    try {
      const file = join(folder, "queue-depth.test.yml");
      const series = ["api-1:3000", "worker-1:3001", "worker-2:3001"].map((instance) => ({
        series: `neonhub_queue_jobs_pending{queue="runs",instance="${instance}",job="neonhub"}`,
        values: "5x5",
      }));
      const test = { evaluation_interval: "1m", tests: [{ interval: "1m", input_series: series, promql_expr_test: [{ expr: expression, eval_time: "2m", exp_samples: [{ labels: '{queue="runs"}', value: 5 }] }] }] };
      writeFileSync(file, JSON.stringify(test));
      const result = runPromtool(["test", "rules", file]);
      expect(result.output).toContain("SUCCESS");
      expect(result.status).toBe(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("Prometheus alert rules", () => {
  it("alert on the error ratio, open breakers (the agent's, organizations', connectors'), missing runs, runs failed past the takeover limit, stalled background work, lost scrape readings and skewed clocks, using only exported metrics and labels", () => {
    expect(alertRules.map((rule) => rule.alert)).toEqual([
      "NeonhubAgentErrorRatioHigh",
      "NeonhubAgentCircuitBreakerOpen",
      "NeonhubAgentOrganizationBreakersOpen",
      "NeonhubConnectorCircuitBreakerOpen",
      "NeonhubNoAgentRuns",
      "NeonhubRunTakeoverLimitReached",
      "NeonhubBackgroundTaskStalled",
      "NeonhubScrapeCollectFailing",
      "NeonhubClockSkewed",
    ]);
    for (const rule of alertRules) {
      expectKnownNames(`alert ${rule.alert}`, rule.expr);
      expect(["warning", "critical"]).toContain(rule.labels.severity);
      expect(rule.annotations.summary).not.toBe("");
    }
  });

  const inCi = process.env.CI === "true";
  if (!promtoolAvailable && !inCi) console.warn(promtoolMissingMessage);

  it.skipIf(!promtoolAvailable && !inCi)("pass promtool check rules and the rule unit tests", () => {
    expect(promtoolAvailable, promtoolMissingMessage).toBe(true);
    const check = runPromtool(["check", "rules", observabilityFile("prometheus-alerts.yml")]);
    expect(check.output).toContain("SUCCESS: 9 rules found");
    expect(check.status).toBe(0);
    const unitTests = runPromtool(["test", "rules", observabilityFile("prometheus-alerts.test.yml")]);
    expect(unitTests.output).toContain("SUCCESS");
    expect(unitTests.status).toBe(0);
  });
});
