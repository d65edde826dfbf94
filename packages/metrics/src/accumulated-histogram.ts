import type { Registry } from "prom-client";
import type { CollectedSample } from "./accumulated-counter.js";

/** Settings of an {@link AccumulatedHistogram}. */
export interface AccumulatedHistogramSettings<Label extends string> {
  registry: Registry;
  name: string;
  help: string;
  labelNames: readonly Label[];
  /** Increasing upper bounds; `+Inf` is added. */
  buckets: readonly number[];
}

/** The observations of one labelled series. */
export class HistogramCell {
  /** Observations per bucket, not cumulative; the last slot counts those above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: Float64Array) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    let index = 0;
    while (index < this.bounds.length && value > (this.bounds[index] as number)) index += 1;
    this.counts[index] = (this.counts[index] as number) + 1;
    this.sum += value;
    this.count += 1;
  }
}

/**
 * A Prometheus histogram kept in typed arrays and registered as a collector on a prom-client registry, which
 * formats it at scrape time. prom-client's own `observe` costs about 0.4 µs (label hashing and validation on every
 * call); a cached cell observes in a few nanoseconds. Cells are keyed by label values the label guards bound.
 */
export class AccumulatedHistogram<Label extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly labelNames: readonly Label[];
  private readonly bounds: Float64Array;
  private readonly cells = new Map<string, { labels: Record<Label, string>; cell: HistogramCell }>();

  constructor(settings: AccumulatedHistogramSettings<Label>) {
    this.name = settings.name;
    this.help = settings.help;
    this.labelNames = settings.labelNames;
    this.bounds = Float64Array.from(settings.buckets);
    settings.registry.registerMetric(this as never);
  }

  /** The cell of these label values; a new cell starts empty and is exported from then on. */
  cell(labels: Record<Label, string>): HistogramCell {
    const key = this.labelNames.map((name) => labels[name]).join("\u0000");
    let entry = this.cells.get(key);
    if (entry === undefined) {
      entry = { labels: { ...labels }, cell: new HistogramCell(this.bounds) };
      this.cells.set(key, entry);
    }
    return entry.cell;
  }

  /** Called by the registry on scrape: cumulative `_bucket` series with `le`, then `_sum` and `_count`. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: CollectedSample[] }> {
    const values: CollectedSample[] = [];
    for (const { labels, cell } of this.cells.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, index) => {
        cumulative += cell.counts[index] as number;
        values.push({ metricName: `${this.name}_bucket`, labels: { le: bound, ...labels }, value: cumulative, exemplar: null });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: "+Inf", ...labels }, value: cell.count, exemplar: null });
      values.push({ metricName: `${this.name}_sum`, labels, value: cell.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: cell.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Called by `registry.resetMetrics()`: every series back to empty (cells stay, the sink holds them). */
  reset(): void {
    for (const { cell } of this.cells.values()) {
      cell.counts.fill(0);
      cell.sum = 0;
      cell.count = 0;
    }
  }
}
