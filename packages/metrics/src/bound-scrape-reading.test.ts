import { createManualClock, createRecordingLogger } from "@neonhub/core/testing";
import { describe, expect, it } from "vitest";
import { createPrometheusMetrics } from "./create-prometheus-metrics.js";
import { DEFAULT_COLLECT_TIMEOUT_MS } from "./metric-names.js";
import { sampleValue } from "./test-support/exposition.js";

const COUNTS = [{ connector: "slack", status: "ACTIVE", count: 3 }];

function setUp() {
  const clock = createManualClock();
  const logger = createRecordingLogger();
  const metrics = createPrometheusMetrics({ collectDefaultMetrics: false, clock, logger });
  metrics.sink.runFinished({ agent: "writer", status: "COMPLETED", durationMs: 12, attempts: 1 });
  return { clock, logger, metrics };
}

const failures = (text: string, reason: string) => sampleValue(text, "neonhub_scrape_collect_failures_total", { collector: "connections", reason });

describe("connection counts read at a scrape", () => {
  it("serves the rest of the exposition without them when the count does not answer within the timeout", async () => {
    const { clock, logger, metrics } = setUp();
    let calls = 0;
    metrics.observeConnections(() => {
      calls += 1;
      return new Promise(() => {});
    });

    let scraped: string | undefined;
    const scrape = metrics.render().then((text) => (scraped = text));
    await clock.advance(DEFAULT_COLLECT_TIMEOUT_MS - 1);
    expect(scraped).toBeUndefined();
    await clock.advance(1);
    const text = await scrape;

    expect(sampleValue(text, "neonhub_agent_runs_total", { agent: "writer", status: "COMPLETED" })).toBe(1);
    expect(text).not.toContain("neonhub_connections{");
    expect(logger.lines).toEqual([
      expect.objectContaining({ level: "warn", fields: expect.objectContaining({ collector: "connections", reason: "timeout" }) }),
    ]);

    // The next scrape waits for the same hanging count rather than sending another one. Readings are collected
    // beside the counter, so a failure shows from the next scrape on.
    const next = metrics.render();
    await clock.advance(DEFAULT_COLLECT_TIMEOUT_MS);
    expect(failures(await next, "timeout")).toBe(1);
    expect(calls).toBe(1);
    expect(logger.lines).toHaveLength(2);
  });

  it("serves the rest of the exposition without them when the count fails, and counts again once it answers", async () => {
    const { logger, metrics } = setUp();
    let source: () => Promise<typeof COUNTS> = async () => COUNTS;
    metrics.observeConnections(() => source());
    expect(sampleValue(await metrics.render(), "neonhub_connections", { connector: "slack", status: "ACTIVE" })).toBe(3);

    source = () => Promise.reject(new Error("connection terminated"));
    const rejected = await metrics.render();
    // A count that fails leaves no stale series behind.
    expect(rejected).not.toContain("neonhub_connections{");
    expect(sampleValue(rejected, "neonhub_agent_runs_total", { agent: "writer", status: "COMPLETED" })).toBe(1);
    expect(failures(rejected, "error")).toBe(0);

    source = () => {
      throw new Error("pool closed");
    };
    expect(failures(await metrics.render(), "error")).toBe(1);
    expect(logger.lines.map((line) => [line.level, line.fields.reason])).toEqual([
      ["warn", "error"],
      ["warn", "error"],
    ]);

    source = async () => COUNTS;
    const recovered = await metrics.render();
    expect(sampleValue(recovered, "neonhub_connections", { connector: "slack", status: "ACTIVE" })).toBe(3);
    expect(failures(recovered, "error")).toBe(2);
  });

  it("waits as long as collectTimeoutMs says", async () => {
    const clock = createManualClock();
    const metrics = createPrometheusMetrics({ collectDefaultMetrics: false, clock, collectTimeoutMs: 500 });
    metrics.observeConnections(() => new Promise(() => {}));
    const scrape = metrics.render();
    await clock.advance(499);
    await clock.advance(1);
    expect(await scrape).not.toContain("neonhub_connections{");
    const next = metrics.render();
    await clock.advance(500);
    expect(failures(await next, "timeout")).toBe(1);
  });
});
