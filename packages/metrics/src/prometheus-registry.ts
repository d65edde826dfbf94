/**
 * A prom-client `Registry`, described by the members this package relies on so that prom-client's own types stay
 * out of the public API. Pass `new Registry()` from prom-client (version 15), or let the package create one.
 */
export interface PrometheusRegistry {
  /** Content type of the exposition (`text/plain; version=0.0.4; charset=utf-8`). */
  readonly contentType: string;
  /** The exposition in the Prometheus text format. */
  metrics(): Promise<string>;
  /** The metric of that full name, or undefined. */
  getSingleMetric(name: string): unknown;
  /** Registers a metric; used by prom-client's metric constructors. */
  registerMetric(metric: never): void;
}
