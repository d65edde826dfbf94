import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { createOpenTelemetryTracer, createOrchestrator, defineAgent, isNeonhubError } from "@neonhub/core";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const caller = { userId: "user-1", organizationId: "org-1" };
const text = z.object({ text: z.string() });

const publisher = defineAgent({
  name: "publisher",
  version: "2.1.0",
  description: "Posts to two channels",
  input: text,
  output: text,
  handle: async (input, context) => {
    await context.tool({ connector: "slack", action: "postMessage" }, input, async () => ({ ok: true }));
    await context.tool("email.send", input, async () => ({ id: "message-1" }));
    return input;
  },
});

const failing = defineAgent({
  name: "failing",
  version: "1.0.0",
  description: "Its connector call fails",
  input: text,
  output: text,
  policies: { retry: { attempts: 1 } },
  handle: async (input, context) =>
    context.tool({ connector: "x", action: "createPost" }, input, async () => {
      throw new TypeError("connector exploded");
    }),
});

// Shutting a provider down stops its exporter, so every test gets a fresh one.
let exporter = new InMemorySpanExporter();
let provider: BasicTracerProvider | undefined;

function registerSdk(): void {
  provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

afterEach(async () => {
  trace.disable();
  context.disable();
  await provider?.shutdown();
  provider = undefined;
  exporter = new InMemorySpanExporter();
});

const spanNamed = (spans: ReadableSpan[], name: string): ReadableSpan => {
  const span = spans.find((candidate) => candidate.name === name);
  if (!span) throw new Error(`no span named "${name}" among ${spans.map((candidate) => candidate.name).join(", ")}`);
  return span;
};

describe("tracing of runs with an OpenTelemetry SDK registered", () => {
  it("emits an invoke_agent span with the tool spans under it and stores its trace id on the run", async () => {
    registerSdk();
    const orchestrator = createOrchestrator({ agents: [publisher] });
    const run = await orchestrator.orchestrate({ agent: "publisher", input: { text: "hello" }, context: caller });
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name).sort()).toEqual(["execute_tool email.send", "execute_tool slack.postMessage", "invoke_agent publisher"]);

    const agentSpan = spanNamed(spans, "invoke_agent publisher");
    expect(agentSpan.kind).toBe(SpanKind.INTERNAL);
    expect(agentSpan.attributes).toMatchObject({ "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "publisher" });
    expect(agentSpan.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(agentSpan.parentSpanContext).toBeUndefined();
    expect(run.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(run.traceId).toBe(agentSpan.spanContext().traceId);
    expect((await orchestrator.getRun(caller.organizationId, run.id))?.traceId).toBe(run.traceId);

    for (const name of ["slack.postMessage", "email.send"]) {
      const toolSpan = spanNamed(spans, `execute_tool ${name}`);
      expect(toolSpan.kind).toBe(SpanKind.INTERNAL);
      expect(toolSpan.attributes).toMatchObject({ "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": name });
      expect(toolSpan.spanContext().traceId).toBe(run.traceId);
      expect(toolSpan.parentSpanContext?.spanId).toBe(agentSpan.spanContext().spanId);
      expect(toolSpan.attributes["error.type"]).toBeUndefined();
    }
  });

  it("marks the failed tool span and the run span with error.type", async () => {
    registerSdk();
    const orchestrator = createOrchestrator({ agents: [failing] });
    const error = await orchestrator.orchestrate({ agent: "failing", input: { text: "hello" }, context: caller }).catch((thrown: unknown) => thrown);
    expect(isNeonhubError(error, "HANDLER_FAILED")).toBe(true);

    const spans = exporter.getFinishedSpans();
    const agentSpan = spanNamed(spans, "invoke_agent failing");
    const toolSpan = spanNamed(spans, "execute_tool x.createPost");
    expect(toolSpan.attributes["error.type"]).toBe("TypeError");
    expect(toolSpan.status.code).toBe(SpanStatusCode.ERROR);
    expect(toolSpan.parentSpanContext?.spanId).toBe(agentSpan.spanContext().spanId);
    expect(agentSpan.attributes["error.type"]).toBe("HANDLER_FAILED");
    expect(agentSpan.status.code).toBe(SpanStatusCode.ERROR);

    const run = await orchestrator.getRun(caller.organizationId, (error as { runId: string }).runId);
    expect(run?.traceId).toBe(agentSpan.spanContext().traceId);
  });
});

describe("tracing of runs without an OpenTelemetry SDK", () => {
  it("emits no span and stores no trace id", async () => {
    // A provider that exists but is not registered must receive nothing.
    provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const orchestrator = createOrchestrator({ agents: [publisher] });
    const run = await orchestrator.orchestrate({ agent: "publisher", input: { text: "hello" }, context: caller });
    expect(run.status).toBe("COMPLETED");
    expect(run.traceId).toBeNull();
    expect(exporter.getFinishedSpans()).toEqual([]);

    const span = createOpenTelemetryTracer().startSpan("invoke_agent publisher", { kind: "internal", attributes: {} });
    expect(span.traceId).toBeNull();
    span.end();
  });
});
