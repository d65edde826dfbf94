import { randomUUID } from "node:crypto";
import { describeWait } from "./describe-wait.js";

/** Options of {@link runSmokeChecks}. */
export interface SmokeOptions {
  /** Base URL of the deployed host, such as `https://api.example.com`. */
  baseUrl: string;
  apiKey: string;
  /** Agent to run and its input. Default: the SEO analyst on a fixed period. */
  agent?: string;
  input?: unknown;
  /** Deadline of each request. Default 30 s. */
  timeoutMs?: number;
}

/** The outcome of one check. */
export interface SmokeCheckResult {
  name: string;
  ok: boolean;
  detail: string;
  durationMs: number;
}

/** An example agent and input that every deployment serves, deterministic in mock mode. */
export const DEFAULT_SMOKE_RUN = Object.freeze({
  agent: "seo-analyst",
  input: { siteUrl: "sc-domain:example.com", startDate: "2026-01-01", endDate: "2026-01-31" },
});

/** Loosely typed JSON answers: each check reads only the fields it verifies. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of a remote service, checked field by field
type JsonObject = Record<string, any>;

interface Answer {
  status: number;
  contentType: string;
  text: string;
  json<T = JsonObject>(): T;
}

class CheckFailed extends Error {}

function expectThat(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

/**
 * Runs the post-deploy checks against a live host, in order, and returns every result (a failed check does not
 * stop the others, except those that need its run).
 */
export async function runSmokeChecks(options: SmokeOptions): Promise<SmokeCheckResult[]> {
  const base = options.baseUrl.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 30_000;
  const agent = options.agent ?? DEFAULT_SMOKE_RUN.agent;
  const input = options.input ?? (agent === DEFAULT_SMOKE_RUN.agent ? DEFAULT_SMOKE_RUN.input : {});
  const authorized = { authorization: `Bearer ${options.apiKey}` };
  const idempotencyKey = `smoke-${randomUUID()}`;
  const results: SmokeCheckResult[] = [];
  let runId: string | null = null;
  // A run that waits durably (ctx.sleep, ctx.waitForSignal) has started well and goes on later: POST answers 202.
  let waiting = false;

  const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get("content-type") ?? "",
      text,
      json: <T>() => {
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new CheckFailed(`expected JSON, got: ${text.slice(0, 120)}`);
        }
      },
    };
  };
  const check = async (name: string, body: () => Promise<string>) => {
    const startedAt = performance.now();
    try {
      const detail = await body();
      results.push({ name, ok: true, detail, durationMs: Math.round(performance.now() - startedAt) });
    } catch (error) {
      const detail = error instanceof CheckFailed ? error.message : `request failed: ${(error as Error).message}`;
      results.push({ name, ok: false, detail, durationMs: Math.round(performance.now() - startedAt) });
    }
  };
  const runBody = { agent, intent: "post-deploy smoke test", input, idempotencyKey };

  await check("health", async () => {
    const answer = await call("GET", "/api/health");
    expectThat(answer.status === 200, `GET /api/health answered ${answer.status}: ${answer.text.slice(0, 200)}`);
    const health = answer.json();
    expectThat(health.status === "ok" && health.checks?.database?.status === "up", `unhealthy: ${answer.text.slice(0, 200)}`);
    return `version ${health.version}, checks: ${Object.keys(health.checks).join(", ")}`;
  });
  await check("metrics", async () => {
    const answer = await call("GET", "/metrics");
    expectThat(answer.status === 200 && answer.contentType.startsWith("text/plain"), `GET /metrics answered ${answer.status} ${answer.contentType}`);
    expectThat(/^# TYPE neonhub_\w+ /m.test(answer.text), "no neonhub_ metric in the exposition");
    return `${answer.text.split("\n").filter((line) => line.startsWith("# TYPE")).length} metric families`;
  });
  await check("openapi", async () => {
    const answer = await call("GET", "/openapi.json");
    const document = answer.json();
    expectThat(answer.status === 200 && String(document.openapi).startsWith("3."), `GET /openapi.json answered ${answer.status}`);
    for (const path of ["/v1/runs", "/v1/runs/{id}", "/api/health"]) expectThat(document.paths?.[path], `the document has no ${path}`);
    return `OpenAPI ${document.openapi}, ${Object.keys(document.paths).length} paths`;
  });
  await check("auth required", async () => {
    const anonymous = await call("GET", "/v1/agents");
    expectThat(anonymous.status === 401 && anonymous.contentType.startsWith("application/problem+json"), `without a key: ${anonymous.status}`);
    const wrong = await call("GET", "/v1/agents", { authorization: `Bearer nh_smoke_${randomUUID()}` });
    expectThat(wrong.status === 401, `with a wrong key: ${wrong.status}`);
    return "401 problem+json without a key and with a wrong one";
  });
  await check("agents", async () => {
    const answer = await call("GET", "/v1/agents", authorized);
    expectThat(answer.status === 200, `GET /v1/agents with the key answered ${answer.status}: ${answer.text.slice(0, 200)}`);
    const names = (answer.json().agents as Array<{ name: string }>).map((entry) => entry.name);
    expectThat(names.includes(agent), `agent "${agent}" is not registered (${names.join(", ")})`);
    return names.join(", ");
  });
  await check("run", async () => {
    const answer = await call("POST", "/v1/runs", authorized, runBody);
    expectThat(answer.status === 200 || answer.status === 202, `POST /v1/runs answered ${answer.status}: ${answer.text.slice(0, 300)}`);
    const run = answer.json();
    runId = run.id;
    if (answer.status === 202 && run.status === "WAITING") {
      waiting = true;
      const readBack = await call("GET", `/v1/runs/${run.id}`, authorized);
      return `run ${run.id} started and is WAITING ${describeWait(readBack.status === 200 ? readBack.json() : run)}`;
    }
    expectThat(run.status === "COMPLETED", `run ${run.id} ended ${run.status}: ${JSON.stringify(run.error)}`);
    return `run ${run.id} COMPLETED in ${run.durationMs} ms`;
  });
  await check("run read back with tool executions", async () => {
    expectThat(runId, "no run to read (the run check failed)");
    const answer = await call("GET", `/v1/runs/${runId}`, authorized);
    expectThat(answer.status === 200, `GET /v1/runs/${runId} answered ${answer.status}`);
    const tools = answer.json().toolExecutions as Array<{ connector: string; action: string; status: string }>;
    // A waiting run may not have called a tool before its wait.
    expectThat(Array.isArray(tools) && (tools.length > 0 || waiting), "the run has no tool executions");
    expectThat(tools.every((tool) => tool.status === "SUCCEEDED"), `tool executions: ${JSON.stringify(tools.map((tool) => tool.status))}`);
    return tools.length === 0 ? "no tool executions before its wait" : tools.map((tool) => `${tool.connector}.${tool.action}`).join(", ");
  });
  await check("idempotent replay", async () => {
    expectThat(runId, "no run to replay (the run check failed)");
    const answer = await call("POST", "/v1/runs", authorized, runBody);
    // A replay answers 202 while the run waits, 200 once it has ended.
    const replayed = answer.status === 200 || (waiting && answer.status === 202);
    expectThat(replayed && answer.json().id === runId, `the replay answered ${answer.status} with run ${answer.json().id}, expected ${runId}`);
    const conflict = await call("POST", "/v1/runs", authorized, { ...runBody, intent: "a different request" });
    expectThat(conflict.status === 409, `reusing the key for another request answered ${conflict.status}, expected 409`);
    return "same run on replay, 409 on a conflicting reuse";
  });
  await check("run listed", async () => {
    expectThat(runId, "no run to find (the run check failed)");
    const answer = await call("GET", `/v1/runs?agent=${encodeURIComponent(agent)}&limit=20`, authorized);
    expectThat(answer.status === 200, `GET /v1/runs answered ${answer.status}`);
    expectThat((answer.json().runs as Array<{ id: string }>).some((run) => run.id === runId), "the run is not in the list");
    return "found in GET /v1/runs";
  });
  await check("unknown run is a 404 problem", async () => {
    const answer = await call("GET", `/v1/runs/${randomUUID()}`, authorized);
    expectThat(answer.status === 404 && answer.contentType.startsWith("application/problem+json"), `answered ${answer.status} ${answer.contentType}`);
    return "404 application/problem+json";
  });
  return results;
}

/** The report printed by the smoke command. */
export function formatSmokeReport(results: readonly SmokeCheckResult[]): string {
  const lines = results.map((result) => `${result.ok ? "PASS" : "FAIL"}  ${result.name} (${result.durationMs} ms): ${result.detail}`);
  const failed = results.filter((result) => !result.ok).length;
  lines.push(failed === 0 ? `All ${results.length} checks passed.` : `${failed} of ${results.length} checks failed.`);
  return `${lines.join("\n")}\n`;
}
