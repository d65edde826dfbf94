import { INVALID_TRACEID, SpanKind, SpanStatusCode, context, isSpanContextValid, trace } from "@opentelemetry/api";
import type { Span as OpenTelemetrySpan } from "@opentelemetry/api";
import type { Span, SpanAttributeValue, SpanOptions, Tracer } from "../ports/tracer.js";

const SPAN_KINDS = { internal: SpanKind.INTERNAL, client: SpanKind.CLIENT } as const;

class OpenTelemetrySpanAdapter implements Span {
  readonly traceId: string | null;
  constructor(readonly span: OpenTelemetrySpan) {
    const spanContext = span.spanContext();
    this.traceId = isSpanContextValid(spanContext) ? spanContext.traceId : null;
  }
  setAttribute(key: string, value: SpanAttributeValue): void {
    this.span.setAttribute(key, value);
  }
  recordFailure(errorType: string, message?: string): void {
    this.span.setAttribute("error.type", errorType);
    this.span.setStatus({ code: SpanStatusCode.ERROR, ...(message === undefined ? {} : { message }) });
  }
  end(): void {
    this.span.end();
  }
}

const noopSpan: Span = Object.freeze({
  traceId: null,
  setAttribute: () => undefined,
  recordFailure: () => undefined,
  end: () => undefined,
});

/**
 * A {@link Tracer} on the OpenTelemetry API. Spans go to whatever SDK the application registered; with none,
 * the API hands out non-recording spans and `traceId` is null.
 */
export function createOpenTelemetryTracer(options: { name?: string; version?: string } = {}): Tracer {
  const tracer = trace.getTracer(options.name ?? "@neonhub/core", options.version);
  return {
    startSpan(name: string, spanOptions: SpanOptions): Span {
      const parent = spanOptions.parent instanceof OpenTelemetrySpanAdapter ? spanOptions.parent.span : undefined;
      const parentContext = parent ? trace.setSpan(context.active(), parent) : context.active();
      const span = tracer.startSpan(name, { kind: SPAN_KINDS[spanOptions.kind], attributes: spanOptions.attributes }, parentContext);
      // Without an SDK every span is a non-recording one with the invalid trace id: share one adapter instead of making
      // one per run, and skip the validity check's pattern tests for that id.
      const spanContext = span.spanContext();
      return span.isRecording() || (spanContext.traceId !== INVALID_TRACEID && isSpanContextValid(spanContext)) ? new OpenTelemetrySpanAdapter(span) : noopSpan;
    },
  };
}

/** A tracer that records nothing, for when tracing is explicitly off. */
export const noopTracer: Tracer = Object.freeze({ startSpan: () => noopSpan });
