import type { Registry } from "prom-client";

/** The running total of one labelled series. */
export interface CounterCell {
  value: number;
}

/** Settings of an {@link AccumulatedCounter}. */
export interface AccumulatedCounterSettings<Label extends string> {
  registry: Registry;
  name: string;
  help: string;
  labelNames: readonly Label[];
}

/** One exported sample, in the shape prom-client's registry formats. */
export interface CollectedSample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
  /** prom-client sets it on histogram buckets; null without exemplars. */
  exemplar?: null;
}

/**
 * A Prometheus counter kept as plain numbers and registered as a collector on a prom-client registry, which
 * formats it at scrape time. prom-client's own `inc` hashes and validates the labels on every call (about 0.2 µs);
 * adding to a cached cell costs next to nothing on the path of every run. Cells are keyed by label values that
 * the label guards already bound.
 */
export class AccumulatedCounter<Label extends string> {
  /** Read and rewritten by prom-client's registry (OpenMetrics strips `_total`), so not readonly. */
  name: string;
  readonly help: string;
  readonly type = "counter";
  readonly aggregator = "sum";
  private readonly labelNames: readonly Label[];
  private readonly cells = new Map<string, { labels: Record<Label, string>; cell: CounterCell }>();

  constructor(settings: AccumulatedCounterSettings<Label>) {
    this.name = settings.name;
    this.help = settings.help;
    this.labelNames = settings.labelNames;
    settings.registry.registerMetric(this as never);
  }

  /** The cell of these label values; a new cell starts at zero and is exported from then on. */
  cell(labels: Record<Label, string>): CounterCell {
    const key = this.labelNames.map((name) => labels[name]).join("\u0000");
    let entry = this.cells.get(key);
    if (entry === undefined) {
      entry = { labels: { ...labels }, cell: { value: 0 } };
      this.cells.set(key, entry);
    }
    return entry.cell;
  }

  /** Adds `amount` to the series of these label values. */
  add(labels: Record<Label, string>, amount = 1): void {
    this.cell(labels).value += amount;
  }

  /** Called by the registry on scrape. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: CollectedSample[] }> {
    const values = [...this.cells.values()].map(({ labels, cell }) => ({ labels, value: cell.value }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Called by `registry.resetMetrics()`: every series back to zero (cells stay, the sink holds them). */
  reset(): void {
    for (const { cell } of this.cells.values()) cell.value = 0;
  }
}
