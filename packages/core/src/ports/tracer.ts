/** Attribute values a span accepts. */
export type SpanAttributeValue = string | number | boolean;

/** A span in progress. */
export interface Span {
  /** The trace id, or null when tracing is off (no OpenTelemetry SDK registered). */
  readonly traceId: string | null;
  setAttribute(key: string, value: SpanAttributeValue): void;
  /** Marks the span as failed with an `error.type` (an error code or class name). */
  recordFailure(errorType: string, message?: string): void;
  end(): void;
}

/** How to start a span. */
export interface SpanOptions {
  kind: "internal" | "client";
  attributes: Record<string, SpanAttributeValue>;
  /** The span this one nests under. */
  parent?: Span;
}

/**
 * Starts spans. The default implementation uses the OpenTelemetry API (`invoke_agent {agent}` and
 * `execute_tool {tool}` with `gen_ai.*` attributes) and costs next to nothing when no SDK is registered.
 */
export interface Tracer {
  startSpan(name: string, options: SpanOptions): Span;
}
