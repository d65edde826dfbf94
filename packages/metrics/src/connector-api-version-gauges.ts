import { Gauge, type Registry } from "prom-client";
import type { LabelValueGuard } from "./label-value-guard.js";

/** Where one connector's pinned provider API version stands (what `checkApiVersions` of the connectors package gives). */
export interface ConnectorApiVersionReading {
  connector: string;
  deprecated: boolean;
  /** The provider's sunset day (`YYYY-MM-DD`), or null when it publishes none. */
  sunsetAt: string | null;
}

/** Settings of {@link registerConnectorApiVersionGauges}. */
export interface ConnectorApiVersionGaugeSettings {
  registry: Registry;
  deprecatedName: string;
  sunsetTimestampName: string;
  /** Read at every scrape; none means the gauges have no series. */
  readings: (() => Iterable<ConnectorApiVersionReading>) | undefined;
  connectorLabel: LabelValueGuard;
}

/**
 * Two gauges read at scrape time: `…_deprecated{connector}` (1 when the provider deprecated the pinned version) and
 * `…_sunset_timestamp_seconds{connector}` (when its provider stops serving it, for connectors whose provider
 * publishes a date). Alert on `…_sunset_timestamp_seconds - time() < 90 * 86400` or `…_deprecated == 1`.
 */
export function registerConnectorApiVersionGauges(settings: ConnectorApiVersionGaugeSettings): void {
  const { registry, readings, connectorLabel } = settings;
  const read = () => (readings === undefined ? [] : [...readings()]);
  new Gauge({
    name: settings.deprecatedName,
    help: "Whether the provider deprecated the API version a connector is pinned to (1) or not (0).",
    labelNames: ["connector"],
    registers: [registry],
    collect() {
      this.reset();
      for (const reading of read()) this.set({ connector: connectorLabel.resolve(reading.connector) }, reading.deprecated ? 1 : 0);
    },
  });
  new Gauge({
    name: settings.sunsetTimestampName,
    help: "When the provider stops serving the API version a connector is pinned to, in seconds since the Unix epoch.",
    labelNames: ["connector"],
    registers: [registry],
    collect() {
      this.reset();
      for (const reading of read()) {
        const sunsetMs = reading.sunsetAt === null ? Number.NaN : Date.parse(`${reading.sunsetAt}T00:00:00Z`);
        if (Number.isFinite(sunsetMs)) this.set({ connector: connectorLabel.resolve(reading.connector) }, sunsetMs / 1000);
      }
    },
  });
}
