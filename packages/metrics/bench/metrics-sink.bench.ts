// Cost of the prom-client sink per run against the no-op sink (and of core's tracer with no SDK registered), in one run.
// Usage: pnpm bench (writes <repo root>/bench/results/metrics.json).
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createOpenTelemetryTracer, noopMetricsSink, noopTracer, type FinalRunStatus, type MetricsSink, type Tracer } from "@neonhub/core";
import { createPrometheusMetrics } from "@neonhub/metrics";

const TARGET_US_PER_RUN = 2;
const WARM_UP_RUNS = 300_000;
const RUNS_PER_ROUND = 1_000_000;
const ROUNDS = 7;

const agents = ["writer", "seo", "mailer", "social", "ads", "support", "analytics", "shop"];
const connectors = [
  ["slack", "postMessage"],
  ["email", "send"],
  ["x", "createPost"],
  ["llm", "chatCompletion"],
] as const;
const statuses: FinalRunStatus[] = ["COMPLETED", "COMPLETED", "COMPLETED", "FAILED"];

// One run's events, precomputed so the loop measures the sink and not the making of events.
const EVENT_KINDS = 64;
const runs = Array.from({ length: EVENT_KINDS }, (_, index) => {
  const [connector, action] = connectors[index % connectors.length] as readonly [string, string];
  return {
    run: { agent: agents[index % agents.length] as string, status: statuses[index % statuses.length] as FinalRunStatus, durationMs: 3 + ((index * 977) % 90_000), attempts: 1 + (index % 3 === 0 ? 1 : 0) },
    tool: { connector, action, status: index % 5 === 0 ? ("FAILED" as const) : ("SUCCEEDED" as const), durationMs: 1 + ((index * 131) % 4_000) },
  };
});

function recordRuns(sink: MetricsSink, count: number): number {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) {
    const events = runs[index & (EVENT_KINDS - 1)] as (typeof runs)[number];
    sink.runFinished(events.run);
    sink.toolExecutionFinished(events.tool);
  }
  return Number(process.hrtime.bigint() - started) / 1_000 / count;
}

// The spans of one run (a run span and one tool span under it), as the orchestrator starts them.
function traceRuns(tracer: Tracer, count: number): number {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) {
    const runSpan = tracer.startSpan("invoke_agent writer", { kind: "internal", attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "writer" } });
    const toolSpan = tracer.startSpan("execute_tool slack.postMessage", {
      kind: "internal",
      parent: runSpan,
      attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "slack.postMessage" },
    });
    toolSpan.end();
    runSpan.setAttribute("neonhub.run.status", "COMPLETED");
    runSpan.end();
  }
  return Number(process.hrtime.bigint() - started) / 1_000 / count;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const prometheus = createPrometheusMetrics({
  collectDefaultMetrics: false,
  knownAgents: agents,
  knownConnectors: connectors.map(([connector]) => connector),
  knownActions: connectors.map(([, action]) => action),
});
const sinks = { noop: noopMetricsSink, prometheus: prometheus.sink };

recordRuns(sinks.noop, WARM_UP_RUNS);
recordRuns(sinks.prometheus, WARM_UP_RUNS);

const samples = { noop: [] as number[], prometheus: [] as number[] };
for (let round = 0; round < ROUNDS; round += 1) {
  // Alternating the order spreads drift (frequency scaling, other load) over both sinks.
  const order = round % 2 === 0 ? (["noop", "prometheus"] as const) : (["prometheus", "noop"] as const);
  for (const name of order) samples[name].push(recordRuns(sinks[name], RUNS_PER_ROUND));
}

// No OpenTelemetry SDK is registered in this process: the tracer must cost next to nothing.
const tracers = { noop: noopTracer, openTelemetry: createOpenTelemetryTracer() };
traceRuns(tracers.noop, WARM_UP_RUNS);
traceRuns(tracers.openTelemetry, WARM_UP_RUNS);
const tracing = { noop: [] as number[], openTelemetry: [] as number[] };
for (let round = 0; round < ROUNDS; round += 1) {
  for (const name of ["noop", "openTelemetry"] as const) tracing[name].push(traceRuns(tracers[name], RUNS_PER_ROUND / 4));
}

// The exposition must still be complete, or the loop measured a broken sink.
const exposition = await prometheus.render();
if (!exposition.includes('neonhub_agent_runs_total{agent="writer",status="COMPLETED"}')) throw new Error("the sink recorded nothing");

const noopUsPerRun = median(samples.noop);
const prometheusUsPerRun = median(samples.prometheus);
const sinkOverheadUsPerRun = Math.max(0, prometheusUsPerRun - noopUsPerRun);
const result = {
  name: "metrics",
  description: "Cost of the prom-client MetricsSink per run (runFinished with a histogram observation plus one tool execution) against the no-op sink",
  sinkOverheadUsPerRun: Number(sinkOverheadUsPerRun.toFixed(3)),
  prometheusSinkUsPerRun: Number(prometheusUsPerRun.toFixed(3)),
  noopSinkUsPerRun: Number(noopUsPerRun.toFixed(4)),
  targetUsPerRun: TARGET_US_PER_RUN,
  withinTarget: sinkOverheadUsPerRun <= TARGET_US_PER_RUN,
  tracerWithoutSdkUsPerRun: Number(median(tracing.openTelemetry).toFixed(3)),
  noopTracerUsPerRun: Number(median(tracing.noop).toFixed(4)),
  runsPerRound: RUNS_PER_ROUND,
  rounds: ROUNDS,
  warmUpRuns: WARM_UP_RUNS,
  roundsUsPerRun: { noop: samples.noop.map((value) => Number(value.toFixed(4))), prometheus: samples.prometheus.map((value) => Number(value.toFixed(3))) },
  node: process.version,
  measuredAt: new Date().toISOString(),
};

const resultsDirectory = fileURLToPath(new URL("../../../bench/results/", import.meta.url));
mkdirSync(resultsDirectory, { recursive: true });
writeFileSync(`${resultsDirectory}metrics.json`, `${JSON.stringify(result, null, 2)}\n`);
console.log(`OpenTelemetry tracer without an SDK: ${result.tracerWithoutSdkUsPerRun} µs per run (two spans; no-op tracer ${result.noopTracerUsPerRun} µs)`);
console.log(`metrics sink overhead: ${result.sinkOverheadUsPerRun} µs per run (prom-client ${result.prometheusSinkUsPerRun} µs, no-op ${result.noopSinkUsPerRun} µs; target ≤ ${TARGET_US_PER_RUN} µs)`);
