import { createConnectorClient } from "@neonhub/connectors";
import { createMemoryRunStore, defineAgent, type RunStore } from "@neonhub/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createExampleAgents } from "../agents/example-agents.js";
import { createTestHost, type TestHost } from "../testing/create-test-host.js";
import { brokenAgent } from "../testing/test-agents.js";
import { formatSmokeReport, runSmokeChecks } from "./run-smoke-checks.js";

describe("the smoke checks against a host listening on 127.0.0.1", () => {
  let host: TestHost;
  let connectors: ReturnType<typeof createConnectorClient>;
  let baseUrl: string;
  beforeEach(async () => {
    connectors = createConnectorClient({ mode: "mock" });
    host = await createTestHost({ agents: createExampleAgents(connectors) });
    baseUrl = await host.app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterEach(async () => {
    await host.app.close();
    await connectors.close();
  });

  it("passes every check on a healthy host, and reports them", async () => {
    const results = await runSmokeChecks({ baseUrl, apiKey: host.keys.alpha });
    expect(results.filter((result) => !result.ok)).toEqual([]);
    expect(results.map((result) => result.name)).toEqual(expect.arrayContaining(["health", "metrics", "openapi", "auth required", "agents", "run", "idempotent replay", "run listed"]));
    const report = formatSmokeReport(results);
    expect(report).toContain(`All ${results.length} checks passed.`);
  });

  it("fails the checks that need a valid key, naming what went wrong", async () => {
    const results = await runSmokeChecks({ baseUrl, apiKey: host.keys.revoked, timeoutMs: 5_000 });
    const failed = results.filter((result) => !result.ok).map((result) => result.name);
    expect(failed).toEqual(expect.arrayContaining(["agents", "run"]));
    expect(results.find((result) => result.name === "health")?.ok).toBe(true);
    expect(formatSmokeReport(results)).toMatch(/FAIL\s+agents/);
  });

  it("fails the run check for an agent the host does not serve", async () => {
    const results = await runSmokeChecks({ baseUrl, apiKey: host.keys.alpha, agent: "no-such-agent", input: {} });
    expect(results.find((result) => result.name === "run")).toMatchObject({ ok: false, detail: expect.stringContaining("404") });
  });
});

/** Posts a message, then waits durably for the signal `approval`. */
const approvalAgent = defineAgent({
  name: "approval",
  version: "1.0.0",
  description: "Asks for an approval, then waits for it",
  input: z.object({}),
  output: z.object({ approved: z.boolean() }),
  handle: async (_input, context) => {
    await context.tool({ connector: "slack", action: "postMessage" }, { channel: "#approvals", text: "approve?" }, async () => ({ ok: true }));
    const answer = await context.waitForSignal<{ approved: boolean }>("approval", { timeoutMs: 3_600_000 });
    return { approved: answer.received && answer.payload.approved };
  },
});

/** Sleeps durably for an hour before it ends. */
const coolingAgent = defineAgent({
  name: "cooling",
  version: "1.0.0",
  description: "Waits an hour",
  input: z.object({}),
  output: z.object({}),
  handle: async (_input, context) => {
    await context.sleep("cool-down", 3_600_000);
    return {};
  },
});

describe("the smoke checks with an agent whose run waits", () => {
  let host: TestHost;
  let baseUrl: string;
  beforeEach(async () => {
    host = await createTestHost({ agents: [approvalAgent, coolingAgent, brokenAgent] });
    baseUrl = await host.app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterEach(async () => {
    await host.app.close();
  });

  it("passes a run waiting for a signal, naming the signal and how long it waits", async () => {
    const results = await runSmokeChecks({ baseUrl, apiKey: host.keys.alpha, agent: "approval", input: {} });
    expect(results.filter((result) => !result.ok)).toEqual([]);
    const run = results.find((result) => result.name === "run");
    expect(run?.detail).toMatch(/^run \S+ started and is WAITING for signal "approval" until \d{4}-\d\d-\d\dT/);
    expect(results.find((result) => result.name === "run read back with tool executions")?.detail).toBe("slack.postMessage");
    const runId = run?.detail.split(" ")[1] ?? "";
    expect((await host.orchestrator.getRun("org_alpha", runId))?.status).toBe("WAITING");
  });

  it("passes a run in a durable sleep, naming the sleep and when it wakes", async () => {
    const results = await runSmokeChecks({ baseUrl, apiKey: host.keys.alpha, agent: "cooling", input: {} });
    expect(results.filter((result) => !result.ok)).toEqual([]);
    expect(results.find((result) => result.name === "run")?.detail).toMatch(/started and is WAITING in sleep "cool-down" until \d{4}-/);
    expect(results.find((result) => result.name === "run read back with tool executions")?.detail).toBe("no tool executions before its wait");
    expect(formatSmokeReport(results)).toContain(`All ${results.length} checks passed.`);
  });

  it("still fails a run that ends FAILED", async () => {
    const results = await runSmokeChecks({ baseUrl, apiKey: host.keys.alpha, agent: "broken", input: {} });
    expect(results.find((result) => result.name === "run")).toMatchObject({ ok: false, detail: expect.stringMatching(/ended FAILED/) });
  });
});

describe("the smoke checks with a run waiting for a child that has already ended", () => {
  let host: TestHost;
  let baseUrl: string;
  let releaseChild: () => void = () => undefined;
  beforeEach(async () => {
    const childMayEnd = new Promise<void>((resolve) => (releaseChild = resolve));
    let childEnded: () => void = () => undefined;
    const childFinished = new Promise<void>((resolve) => (childEnded = resolve));
    const child = defineAgent({
      name: "summarize",
      version: "1.0.0",
      description: "Ends once the test lets it",
      input: z.object({}),
      output: z.object({}),
      handle: async () => {
        await childMayEnd;
        return {};
      },
    });
    const parent = defineAgent({
      name: "digest",
      version: "1.0.0",
      description: "Waits for one child run",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, context) => {
        await context.runAgent(child, {});
        return {};
      },
    });
    const memory = createMemoryRunStore();
    let parked: string | null = null;
    const store: RunStore = {
      ...memory,
      suspendRun: async (input: Parameters<RunStore["suspendRun"]>[0]) => {
        const run = await memory.suspendRun(input);
        parked = run.id;
        return run;
      },
      // Once the parent waits, it is read only after its child has ended.
      getRun: async (organizationId: string, runId: string) => {
        if (runId === parked) {
          releaseChild();
          await childFinished;
        }
        return memory.getRun(organizationId, runId);
      },
      finishRun: async (input: Parameters<RunStore["finishRun"]>[0]) => {
        const finished = await memory.finishRun(input);
        if (finished.agentName === "summarize") childEnded();
        return finished;
      },
      // The child's wake-up of its parent is lost, so the parent stays WAITING with the child's end not yet read, as
      // it is between a child's end and its parent's resume.
      sendSignal: async (input: Parameters<RunStore["sendSignal"]>[0]) => {
        if (input.name.startsWith("child:")) throw new Error("wake-up lost");
        return memory.sendSignal(input);
      },
    };
    host = await createTestHost({ agents: [parent, child], store });
    baseUrl = await host.app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterEach(async () => {
    releaseChild();
    await host.app.close();
  });

  it("names the ended child the run reads when it resumes", async () => {
    const results = await runSmokeChecks({ baseUrl, apiKey: host.keys.alpha, agent: "digest", input: {} });
    expect(results.filter((result) => !result.ok)).toEqual([]);
    expect(results.find((result) => result.name === "run")?.detail).toMatch(/started and is WAITING for 1 child run of "summarize" \(1 COMPLETED\) until \d{4}-\S+; it reads ended children when it resumes$/);
  });
});
