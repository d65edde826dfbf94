import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createMemoryRunStore, createOrchestrator } from "@neonhub/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createHostApp } from "../app/create-host-app.js";
import { createTestHost, type TestHost } from "../testing/create-test-host.js";
import { echoAgent } from "../testing/test-agents.js";

let host: TestHost;
beforeEach(async () => {
  host = await createTestHost();
});
afterEach(async () => {
  await host.app.close();
});

const postRun = (body: Record<string, unknown>, headers = host.alpha) => host.app.inject({ method: "POST", url: "/v1/runs", headers, payload: body });

/** Opens the event stream over real HTTP and collects what arrives. */
function openStream(url: string, authorization: string): Promise<{ chunks: string[]; status: number; headers: IncomingHttpHeaders; ended: Promise<void>; close(): void }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { authorization, accept: "text/event-stream" } }, (response) => {
      const chunks: string[] = [];
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => chunks.push(chunk));
      const ended = new Promise<void>((resolveEnd) => response.once("end", () => resolveEnd()));
      resolve({ chunks, status: response.statusCode ?? 0, headers: response.headers, ended, close: () => request.destroy() });
    });
    request.on("error", reject);
    request.end();
  });
}

describe("GET /v1/runs/events", () => {
  it("streams the organization's runs as they start and finish, and nothing of another organization", async () => {
    await host.app.listen({ host: "127.0.0.1", port: 0 });
    const base = `http://127.0.0.1:${(host.app.server.address() as AddressInfo).port}`;
    const alpha = await openStream(`${base}/v1/runs/events`, host.alpha.authorization);
    const beta = await openStream(`${base}/v1/runs/events`, host.beta.authorization);
    expect(alpha.status).toBe(200);
    await vi.waitFor(() => expect(host.runEvents.subscriberCount).toBe(2));
    const run = (await postRun({ agent: "echo", input: { text: "live" } })).json();
    await vi.waitFor(() => expect(alpha.chunks.join("")).toContain('"status":"COMPLETED"'), { timeout: 3_000 });
    const text = alpha.chunks.join("");
    expect(text).toContain(`"id":"${run.id}"`);
    expect(text).toMatch(/event: runs\ndata: \[/);
    expect(beta.chunks.join("")).not.toContain(run.id);
    alpha.close();
    await vi.waitFor(() => expect(host.runEvents.subscriberCount).toBe(1));
    // Closing the host ends the streams still open instead of waiting for them.
    await host.app.close();
    expect(host.runEvents.subscriberCount).toBe(0);
  });

  it("opens no stream and holds no slot for a client that left while its key was looked up", async () => {
    await host.app.listen({ host: "127.0.0.1", port: 0 });
    const base = `http://127.0.0.1:${(host.app.server.address() as AddressInfo).port}`;
    const socketsClosed: Array<Promise<void>> = [];
    host.app.server.on("connection", (socket: Socket) => socketsClosed.push(new Promise((resolve) => socket.once("close", () => resolve()))));
    let releaseLookup: () => void = () => undefined;
    const lookupHeld = new Promise<void>((resolve) => (releaseLookup = resolve));
    const findByHash = host.apiKeyStore.findByHash.bind(host.apiKeyStore);
    const lookup = vi.spyOn(host.apiKeyStore, "findByHash").mockImplementationOnce(async (keyHash) => {
      await lookupHeld;
      return findByHash(keyHash);
    });

    const client = new AbortController();
    const leaving = new Promise<Error>((resolve) => {
      const request = httpRequest(`${base}/v1/runs/events`, { headers: { ...host.alpha, accept: "text/event-stream" }, signal: client.signal });
      request.on("error", resolve);
      request.end();
    });
    await vi.waitFor(() => expect(lookup).toHaveBeenCalledTimes(1));
    client.abort();
    expect(await leaving).toMatchObject({ name: "AbortError" });
    await Promise.all(socketsClosed);
    releaseLookup();
    await lookup.mock.results[0]?.value;

    // A stream opened after it is the only one: the first request took no slot.
    const staying = await openStream(`${base}/v1/runs/events`, host.alpha.authorization);
    expect(staying.status).toBe(200);
    expect(host.runEvents.subscriberCount).toBe(1);
    staying.close();
    await vi.waitFor(() => expect(host.runEvents.subscriberCount).toBe(0));
  });

  it("refuses an organization's streams beyond its share with 429, leaves other organizations theirs, and frees each share as streams end", async () => {
    await host.app.close();
    host = await createTestHost({ runEventHub: { maxSubscribersPerOrganization: 2 } });
    await host.app.listen({ host: "127.0.0.1", port: 0 });
    const url = `http://127.0.0.1:${(host.app.server.address() as AddressInfo).port}/v1/runs/events`;
    const first = await openStream(url, host.alpha.authorization);
    const second = await openStream(url, host.alpha.authorization);
    expect([first.status, second.status]).toEqual([200, 200]);

    const refused = await openStream(url, host.alpha.authorization);
    await refused.ended;
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toBe("5");
    expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(refused.chunks.join(""))).toMatchObject({
      status: 429,
      code: "RATE_LIMITED",
      detail: "This organization has as many live streams open on this host as it may; close one (another tab or client) and try again.",
      retryAfterSeconds: 5,
    });
    const beta = await openStream(url, host.beta.authorization);
    expect(beta.status).toBe(200);
    await vi.waitFor(() => expect(host.runEvents.subscriberCount).toBe(3));

    // A client that disconnects frees its organization's slot.
    first.close();
    await vi.waitFor(() => expect(host.runEvents.subscriberCount).toBe(2));
    const again = await openStream(url, host.alpha.authorization);
    expect(again.status).toBe(200);

    // Closing the host ends the streams still open, and no organization keeps a count.
    await host.app.close();
    expect({ streams: host.runEvents.subscriberCount, organizations: host.runEvents.organizationCount }).toEqual({ streams: 0, organizations: 0 });
  });

  it("needs a key", async () => {
    expect((await host.app.inject({ method: "GET", url: "/v1/runs/events" })).statusCode).toBe(401);
  });
});

describe("GET /v1/runs filters and /v1/runs/summary", () => {
  it("filters by user and intent", async () => {
    await postRun({ agent: "echo", intent: "Launch the spring sale", input: { text: "a" } });
    await postRun({ agent: "echo", intent: "weekly report", input: { text: "b" } });
    const launch = await host.app.inject({ method: "GET", url: "/v1/runs?intent=LAUNCH", headers: host.alpha });
    expect(launch.json().runs.map((run: { intent: string }) => run.intent)).toEqual(["Launch the spring sale"]);
    const nobody = await host.app.inject({ method: "GET", url: "/v1/runs?user=someone_else", headers: host.alpha });
    expect(nobody.json().runs).toEqual([]);
    const mine = await host.app.inject({ method: "GET", url: "/v1/runs?user=user_alpha", headers: host.alpha });
    expect(mine.json().runs).toHaveLength(2);
  });

  it("summarizes the last hour per agent and per minute for the caller's organization only", async () => {
    await postRun({ agent: "echo", input: { text: "a" } });
    await postRun({ agent: "broken", input: {} });
    await postRun({ agent: "echo", input: { text: "beta" } }, host.beta);
    const response = await host.app.inject({ method: "GET", url: "/v1/runs/summary?windowMinutes=60", headers: host.alpha });
    expect(response.statusCode).toBe(200);
    const summary = response.json();
    expect(summary.agents).toEqual([
      { agentName: "broken", total: 1, completed: 0, failed: 1, p95DurationMs: expect.any(Number) },
      { agentName: "echo", total: 1, completed: 1, failed: 0, p95DurationMs: expect.any(Number) },
    ]);
    expect(summary.minutes.reduce((total: number, minute: { count: number }) => total + minute.count, 0)).toBe(2);
    expect(new Date(summary.until).getTime() - new Date(summary.since).getTime()).toBe(3_600_000);
    expect((await host.app.inject({ method: "GET", url: "/v1/runs/summary?windowMinutes=2000", headers: host.alpha })).statusCode).toBe(400);
  });

  it("ends the summary's window at the host's clock, the one runs are stamped by, not at the process's own", async () => {
    // The database's time as the host measures it: 90 s ahead of this process's clock.
    const databaseClock = { now: () => Date.now() + 90_000 };
    const store = createMemoryRunStore();
    const writer = createOrchestrator({ agents: [echoAgent], store, clock: { ...databaseClock, sleep: async () => undefined, schedule: () => () => undefined } });
    await writer.orchestrate({ agent: "echo", input: { text: "a" }, context: { organizationId: "org_alpha", userId: "user_alpha" } });
    const ahead = await createTestHost({ store, clock: databaseClock });
    try {
      const summary = (await ahead.app.inject({ method: "GET", url: "/v1/runs/summary?windowMinutes=60", headers: ahead.alpha })).json();
      expect(summary.agents).toEqual([{ agentName: "echo", total: 1, completed: 1, failed: 0, p95DurationMs: expect.any(Number) }]);
      expect(Date.parse(summary.until)).toBeGreaterThanOrEqual(Date.now() + 89_000);
    } finally {
      await ahead.app.close();
    }
  });

  it("lists each agent's admission limit", async () => {
    const agents = (await host.app.inject({ method: "GET", url: "/v1/agents", headers: host.alpha })).json().agents as Array<{ name: string; admission: unknown }>;
    expect(agents.find((agent) => agent.name === "scarce")?.admission).toEqual({ limit: 1, windowMs: 60_000 });
  });
});

describe("GET /", () => {
  it("serves the built page with a strict content security policy and its own script", async () => {
    const built = await createHostApp({
      orchestrator: host.orchestrator,
      apiKeyStore: host.apiKeyStore,
      connectors: { list: () => [] },
      metrics: { contentType: "text/plain", render: async () => "" },
      healthChecks: {},
      version: "1",
      inspectorAssets: { script: "console.log('inspector')", styles: "body{}" },
    });
    try {
      const page = await built.inject({ method: "GET", url: "/" });
      expect(page.statusCode).toBe(200);
      expect(page.headers["content-security-policy"]).toContain("script-src 'self'");
      expect(page.headers["x-frame-options"]).toBe("DENY");
      expect(page.body).toContain('<script type="module" src="/inspector/app.js"></script>');
      const script = await built.inject({ method: "GET", url: "/inspector/app.js" });
      expect(script.headers["content-type"]).toContain("text/javascript");
      expect(script.body).toBe("console.log('inspector')");
      const cached = await built.inject({ method: "GET", url: "/inspector/app.js", headers: { "if-none-match": String(script.headers.etag) } });
      expect(cached.statusCode).toBe(304);
    } finally {
      await built.close();
    }
  });

  it("says how to build the inspector when it was not built", async () => {
    const page = await host.app.inject({ method: "GET", url: "/" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("pnpm build");
    expect((await host.app.inject({ method: "GET", url: "/inspector/app.js" })).statusCode).toBe(404);
  });
});
