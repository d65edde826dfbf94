import { Counter, Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { AccumulatedCounter } from "./accumulated-counter.js";
import { AccumulatedHistogram } from "./accumulated-histogram.js";

const buckets = [0.01, 0.1, 1, 10];
const observations = [0, 0.01, 0.05, 0.1, 0.5, 3, 10, 42, 0.2];

describe("accumulated counters and histograms", () => {
  it("render exactly like prom-client's own counter and histogram", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const counter = new AccumulatedCounter({ registry: ours, name: "runs_total", help: "Runs.", labelNames: ["agent", "status"] });
    const histogram = new AccumulatedHistogram({ registry: ours, name: "run_seconds", help: "Run time.", labelNames: ["agent"], buckets });
    const referenceCounter = new Counter({ name: "runs_total", help: "Runs.", labelNames: ["agent", "status"], registers: [theirs] });
    const referenceHistogram = new Histogram({ name: "run_seconds", help: "Run time.", labelNames: ["agent"], buckets, registers: [theirs] });

    for (const [index, value] of observations.entries()) {
      const agent = index % 2 === 0 ? "writer" : 'quote"and\\slash';
      counter.add({ agent, status: "COMPLETED" }, index);
      referenceCounter.inc({ agent, status: "COMPLETED" }, index);
      histogram.cell({ agent }).observe(value);
      referenceHistogram.observe({ agent }, value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.getMetricsAsJSON()).toEqual(JSON.parse(JSON.stringify(await theirs.getMetricsAsJSON())));
  });

  it("render counters with the OpenMetrics naming when the registry speaks OpenMetrics", async () => {
    const registry = new Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    new AccumulatedCounter({ registry: registry as unknown as Registry, name: "runs_total", help: "Runs.", labelNames: ["agent"] }).add({ agent: "writer" }, 2);
    const text = await registry.metrics();
    expect(text).toContain("# TYPE runs counter");
    expect(text).toContain('runs_total{agent="writer"} 2');
  });

  it("go back to zero on registry.resetMetrics and keep counting in the same cells", async () => {
    const registry = new Registry();
    const counter = new AccumulatedCounter({ registry, name: "runs_total", help: "Runs.", labelNames: ["agent"] });
    const histogram = new AccumulatedHistogram({ registry, name: "run_seconds", help: "Run time.", labelNames: ["agent"], buckets });
    const cell = counter.cell({ agent: "writer" });
    const observed = histogram.cell({ agent: "writer" });
    cell.value += 3;
    observed.observe(0.5);
    registry.resetMetrics();
    cell.value += 1;
    observed.observe(20);
    const text = await registry.metrics();
    expect(text).toContain('runs_total{agent="writer"} 1');
    expect(text).toContain('run_seconds_bucket{le="10",agent="writer"} 0');
    expect(text).toContain('run_seconds_bucket{le="+Inf",agent="writer"} 1');
    expect(text).toContain('run_seconds_sum{agent="writer"} 20');
  });

  it("refuse a name the registry already holds", () => {
    const registry = new Registry();
    new Counter({ name: "runs_total", help: "Taken.", registers: [registry] });
    expect(() => new AccumulatedCounter({ registry, name: "runs_total", help: "Runs.", labelNames: [] })).toThrow(/already been registered/);
  });
});
