import { describe, expect, it } from "vitest";
import { createPrometheusMetrics } from "./create-prometheus-metrics.js";
import { promtoolAvailable, promtoolMissingMessage, runPromtool } from "./test-support/promtool.js";

const inCi = process.env.CI === "true";

describe("connector API version gauges", () => {
  it("read the connectors' API version standing at every scrape", async () => {
    let readings = [
      { connector: "google-ads", deprecated: false, sunsetAt: "2027-11-01" },
      { connector: "facebook", deprecated: true, sunsetAt: null },
    ];
    const metrics = createPrometheusMetrics({ collectDefaultMetrics: false, knownConnectors: ["google-ads", "facebook"], connectorApiVersions: () => readings });
    const first = await metrics.render();
    expect(first).toContain(`neonhub_connector_api_version_sunset_timestamp_seconds{connector="google-ads"} ${Date.UTC(2027, 10, 1) / 1000}`);
    expect(first).toContain('neonhub_connector_api_version_deprecated{connector="facebook"} 1');
    expect(first).toContain('neonhub_connector_api_version_deprecated{connector="google-ads"} 0');
    expect(first).not.toContain('neonhub_connector_api_version_sunset_timestamp_seconds{connector="facebook"}');
    readings = [{ connector: "google-ads", deprecated: true, sunsetAt: "2027-11-01" }];
    const second = await metrics.render();
    expect(second).toContain('neonhub_connector_api_version_deprecated{connector="google-ads"} 1');
    expect(second).not.toContain('neonhub_connector_api_version_deprecated{connector="facebook"}');
  });

  it.skipIf(!promtoolAvailable && !inCi)("pass promtool check metrics", async () => {
    expect(promtoolAvailable, promtoolMissingMessage).toBe(true);
    const metrics = createPrometheusMetrics({ connectorApiVersions: () => [{ connector: "shopify", deprecated: false, sunsetAt: "2027-10-01" }] });
    const result = runPromtool(["check", "metrics"], await metrics.render());
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  });
});
