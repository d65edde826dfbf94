import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openRawConnection, readResponses } from "../src/testing/raw-http.js";
import { HOST_DIRECTORY, PROCESS_TEST_TIMEOUT_MS, startHostProcess, type HostProcess } from "./host-process.js";

const KEY = "nh_shutdown_test_key_0123456789abcdef";
const headers = { authorization: `Bearer ${KEY}`, "content-type": "application/json" };
const seoRun = { agent: "seo-analyst", input: { siteUrl: "sc-domain:example.com", startDate: "2026-01-01", endDate: "2026-01-31" } };

async function waitForStatus(host: HostProcess, runId: string, status: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const run = (await (await fetch(`${host.url}/v1/runs/${runId}`, { headers })).json()) as { status: string };
    if (run.status === status) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`run ${runId} never reached ${status}`);
}

/**
 * Begins `POST /v1/runs` on a raw connection, headers and the first bytes of the body, and resolves once the host has
 * taken the request (it answers `100 Continue` as it hands the request to its routes).
 */
async function beginRunRequest(host: HostProcess, body: string) {
  const head = [
    "POST /v1/runs HTTP/1.1",
    "Host: 127.0.0.1",
    `Authorization: Bearer ${KEY}`,
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Expect: 100-continue",
  ].join("\r\n");
  const request = openRawConnection(Number(new URL(host.url).port), `${head}\r\n\r\n`);
  let received = "";
  request.socket.on("data", (chunk: string) => (received += chunk));
  await expect.poll(() => received, { timeout: 10_000 }).toContain("HTTP/1.1 100 Continue\r\n\r\n");
  request.socket.write(body.slice(0, 10));
  return { ...request, rest: body.slice(10) };
}

/** The responses a connection received, after the interim `100 Continue`. */
const finalResponses = (raw: string) => readResponses(raw.replace("HTTP/1.1 100 Continue\r\n\r\n", ""));

describe("graceful shutdown of the host process", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  let dataDir: string;
  let host: HostProcess | null = null;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "neonhub-shutdown-"));
  });
  afterAll(async () => {
    if (host) await host.terminate();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("lets an in-flight run finish within the deadline, then exits 0", async () => {
    host = await startHostProcess({ NEONHUB_DATA_DIR: dataDir, NEONHUB_DEV_API_KEY: KEY, NEONHUB_MOCK_LATENCY_MS: "600", NEONHUB_SHUTDOWN_DEADLINE_MS: "10000" });
    const inFlight = fetch(`${host.url}/v1/runs`, { method: "POST", headers, body: JSON.stringify(seoRun) });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const exit = host.terminate();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { status: string }).status).toBe("COMPLETED");
    expect(await exit).toBe(0);
    host = null;
  });

  it("cancels what is still running at the deadline, so that nothing stays RUNNING", async () => {
    host = await startHostProcess({ NEONHUB_DATA_DIR: dataDir, NEONHUB_DEV_API_KEY: KEY, NEONHUB_MOCK_LATENCY_MS: "20000", NEONHUB_SHUTDOWN_DEADLINE_MS: "300" });
    const queued = (await (await fetch(`${host.url}/v1/runs`, { method: "POST", headers, body: JSON.stringify({ ...seoRun, async: true }) })).json()) as { id: string };
    await waitForStatus(host, queued.id, "RUNNING");
    const inFlight = fetch(`${host.url}/v1/runs`, { method: "POST", headers, body: JSON.stringify(seoRun) });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await host.terminate()).toBe(0);
    const answered = (await (await inFlight).json()) as { id: string; status: string; statusReason: string };
    expect(answered.status).toBe("CANCELLED");

    host = await startHostProcess({ NEONHUB_DATA_DIR: dataDir, NEONHUB_DEV_API_KEY: KEY });
    const runs = ((await (await fetch(`${host.url}/v1/runs?limit=100`, { headers })).json()) as { runs: Array<{ id: string; status: string }> }).runs;
    expect(runs.filter((run) => run.status === "RUNNING" || run.status === "QUEUED")).toEqual([]);
    expect(runs.find((run) => run.id === queued.id)?.status).toBe("CANCELLED");
    expect(runs.find((run) => run.id === answered.id)?.status).toBe("CANCELLED");
  });
});

describe("the host process shutting down while a run request is still arriving", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  let dataDir: string;
  let host: HostProcess | null = null;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "neonhub-shutdown-arriving-"));
  });
  afterEach(async () => {
    if (host) await host.terminate();
    host = null;
    await rm(dataDir, { recursive: true, force: true });
  });

  it("answers 503 problem+json to a run request whose body is still arriving at SIGTERM, and starts no run", async () => {
    host = await startHostProcess({ NEONHUB_DATA_DIR: dataDir, NEONHUB_DEV_API_KEY: KEY });
    const idempotencyKey = "body-arriving-at-sigterm";
    const request = await beginRunRequest(host, JSON.stringify({ ...seoRun, idempotencyKey }));
    const running = host;
    const exit = host.terminate();
    await expect.poll(() => running.stdout(), { timeout: 10_000 }).toContain('"msg":"runs drained"');
    request.socket.write(request.rest);
    const [answer] = finalResponses(await request.ended);
    expect(await exit).toBe(0);
    expect(answer?.status).toBe(503);
    expect(answer?.headers["content-type"]).toContain("application/problem+json");
    expect(answer?.headers["retry-after"]).toBe("1");
    expect(answer?.headers.connection).toBe("close");
    expect(JSON.parse(answer?.body ?? "{}")).toMatchObject({ status: 503, code: "STORE_UNAVAILABLE", retryAfterSeconds: 1, detail: "The host is shutting down; retry on another instance." });

    host = await startHostProcess({ NEONHUB_DATA_DIR: dataDir, NEONHUB_DEV_API_KEY: KEY });
    const runs = ((await (await fetch(`${host.url}/v1/runs?limit=100`, { headers })).json()) as { runs: Array<{ idempotencyKey: string | null }> }).runs;
    expect(runs.filter((run) => run.idempotencyKey === idempotencyKey)).toEqual([]);
    expect(await host.terminate()).toBe(0);
    host = null;
  });

  it("closes the connection of a request whose body is still arriving a second after the deadline, and exits 0", async () => {
    host = await startHostProcess({ NEONHUB_DATA_DIR: dataDir, NEONHUB_DEV_API_KEY: KEY, NEONHUB_SHUTDOWN_DEADLINE_MS: "100" });
    const request = await beginRunRequest(host, JSON.stringify(seoRun));
    const running = host;
    const exit = host.terminate();
    expect(await exit).toBe(0);
    host = null;
    expect(running.stdout()).toContain('"connections":1,"msg":"closing connections whose requests were still arriving after the shutdown deadline"');
    expect(running.stdout()).not.toContain("shutdown took too long");
    // The connection is dropped unanswered: its request never reached a handler.
    expect(finalResponses(await request.ended)).toEqual([]);
  });

  it("exits 1 when shutting down outlasts the deadline by five seconds", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/stuck-stop-entry.ts"], { cwd: HOST_DIRECTORY, env: { ...process.env, NEONHUB_DATA_DIR: dataDir, NEONHUB_SHUTDOWN_DEADLINE_MS: "100" } });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await expect.poll(() => stdout, { timeout: 30_000 }).toContain('"msg":"stuck-stop started"');
    child.kill("SIGTERM");
    expect(await exited).toBe(1);
    expect(stdout).toContain('"msg":"shutdown took too long; exiting"');
  });
});
