import { describe, expect, it } from "vitest";
import { listeningTestHostAroundSuite } from "../testing/listening-test-host.js";

const suite = listeningTestHostAroundSuite();

const deepInput = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

describe("input the store cannot hold", () => {
  it.each([
    ["a NUL in the input", JSON.stringify({ agent: "echo", input: { text: "a\u0000b" } }), "body.input.text"],
    ["a lone surrogate in the intent", '{"agent":"echo","input":{"text":"x"},"intent":"\\ud800"}', "body.intent"],
    ["a NUL in the idempotency key", JSON.stringify({ agent: "echo", input: { text: "x" }, idempotencyKey: "k\u0000" }), "body.idempotencyKey"],
    ["an input 5,000 levels deep with an idempotency key", `{"agent":"echo","idempotencyKey":"deep","input":${deepInput(5_000)}}`, "body.input.a.a"],
  ])("answers 400 with the field's path for %s", async (_label, payload, path) => {
    const response = await suite.host.app.inject({ method: "POST", url: "/v1/runs", headers: { ...suite.host.alpha, "content-type": "application/json" }, payload });
    expect(response.statusCode).toBe(400);
    expect(response.headers["content-type"]).toContain("application/problem+json");
    expect(response.json().code).toBe("VALIDATION_FAILED");
    expect(response.json().fieldErrors[0].path.startsWith(path)).toBe(true);
  });

  it.each([
    ["agent=%00", "querystring.agent"],
    ["user=%00", "querystring.user"],
    ["intent=a%00", "querystring.intent"],
    ["createdAfter=0000-01-01T00:00:00Z", "querystring.createdAfter"],
    ["createdBefore=0001-01-01T00:00:00%2B01:00", "querystring.createdBefore"],
    ["cursor=%00", "querystring.cursor"],
    ["cursor=not-a-cursor", "querystring.cursor"],
  ])("answers 400 for the filter %s", async (query, path) => {
    const response = await suite.host.app.inject({ method: "GET", url: `/v1/runs?${query}`, headers: suite.host.alpha });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path }] });
  });

  it("names a cursor no store issued as the query parameter on the schedule list too", async () => {
    const response = await suite.host.app.inject({ method: "GET", url: "/v1/schedules?cursor=not-a-cursor", headers: suite.host.alpha });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "querystring.cursor" }] });
  });

  it("accepts the edges of the time range", async () => {
    const response = await suite.host.app.inject({ method: "GET", url: "/v1/runs?createdAfter=0001-01-01T00:00:00Z&createdBefore=9999-12-31T23:59:59.999Z", headers: suite.host.alpha });
    expect(response.statusCode).toBe(200);
  });
});

describe("integer query parameters", () => {
  const notPlainDigits = (name: string) => ["0x10", "%2016%20", "1e1", "%2B16", "16.0", "-0", "0b1", "", `16&${name}=17`];
  it.each(["/v1/runs?limit=", "/v1/schedules?limit=", "/v1/runs/summary?windowMinutes="])("answers 400 naming the parameter for anything but plain decimal digits in %s", async (prefix) => {
    const name = prefix.slice(prefix.indexOf("?") + 1, -1);
    for (const value of notPlainDigits(name)) {
      const response = await fetch(`${suite.baseUrl}${prefix}${value}`, { headers: suite.host.alpha });
      expect(response.status, `${name}=${value}`).toBe(400);
      expect(await response.json()).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: `querystring.${name}` }] });
    }
  });

  it("reads plain decimal digits, leading zeros included, and keeps the bounds and the default", async () => {
    for (const [query, status] of [["limit=16", 200], ["limit=007", 200], ["limit=100", 200], ["limit=101", 400], ["limit=0", 400], ["", 200]] as const) {
      const response = await fetch(`${suite.baseUrl}/v1/runs?${query}`, { headers: suite.host.alpha });
      expect(response.status, query).toBe(status);
    }
  });
});

describe("query parameters given more than once", () => {
  it.each(["/v1/runs?limit=5&limit=6", "/v1/runs?agent=a&agent=b", "/v1/runs?status=COMPLETED&status=FAILED", "/v1/schedules?cursor=a&cursor=b", "/v1/runs/r1?waitMs=1&waitMs=2"])(
    "says that a parameter is refused for being repeated in %s",
    async (url) => {
      const name = url.slice(url.lastIndexOf("&") + 1, url.lastIndexOf("="));
      const response = await fetch(`${suite.baseUrl}${url}`, { headers: suite.host.alpha });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: `querystring.${name}`, message: "must be given once, not repeated" }] });
    },
  );
});

describe("JSON bodies declared in a charset other than UTF-8", () => {
  const runBody = JSON.stringify({ agent: "echo", input: { text: "caf\u00e9" } });

  it.each(["application/json; charset=latin1", "application/json; charset=utf-16", "application/json;charset=ISO-8859-1", 'application/json; charset="utf-16le"', "application/json; charset=utf-8; charset=latin1"])(
    "answers 415 for %s, before reading the body",
    async (contentType) => {
      for (const body of [runBody, JSON.stringify({ agent: "echo", input: { text: "x".repeat(2 * 1024 * 1024) } })]) {
        const response = await fetch(`${suite.baseUrl}/v1/runs`, { method: "POST", headers: { ...suite.host.alpha, "content-type": contentType }, body });
        expect(response.status).toBe(415);
        expect(await response.json()).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE" });
      }
    },
  );

  it.each(["application/json", "application/json; charset=utf-8", "application/json; charset=UTF-8", 'application/json; charset="utf-8"', "Application/JSON; Charset=utf-8"])("accepts %s", async (contentType) => {
    const response = await fetch(`${suite.baseUrl}/v1/runs`, { method: "POST", headers: { ...suite.host.alpha, "content-type": contentType }, body: runBody });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ output: { text: "caf\u00e9" } });
  });
});

describe("JSON bodies with a key twice in one object", () => {
  it.each([
    ["in the input", '{"agent":"echo","input":{"text":"x","text":"y"}}', "body.input.text"],
    ["at the top level", '{"agent":"echo","input":{"text":"x"},"agent":"broken"}', "body.agent"],
    ["spelt with an escape", '{"agent":"echo","input":{"text":"x","\\u0074ext":"y"}}', "body.input.text"],
    ["in an object in an array", '{"agent":"echo","input":{"text":"x","items":[{"a":1},{"a":1,"a":2}]}}', "body.input.items.1.a"],
  ])("answers 400 naming the key %s, and starts no run", async (_label, body, path) => {
    const before = (await suite.host.orchestrator.store.listRuns({ organizationId: "org_alpha", limit: 100 })).runs.length;
    const response = await fetch(`${suite.baseUrl}/v1/runs`, { method: "POST", headers: { ...suite.host.alpha, "content-type": "application/json" }, body });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path }] });
    expect((await suite.host.orchestrator.store.listRuns({ organizationId: "org_alpha", limit: 100 })).runs.length).toBe(before);
  });

  it("answers 400 naming a repeated key of a signal's payload", async () => {
    const response = await fetch(`${suite.baseUrl}/v1/runs/run_1/signals/approval`, { method: "POST", headers: { ...suite.host.alpha, "content-type": "application/json" }, body: '{"payload":{"approved":false,"approved":true}}' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "body.payload.approved" }] });
  });

  it("still refuses prototype-polluting keys as the parser did", async () => {
    const response = await fetch(`${suite.baseUrl}/v1/runs`, { method: "POST", headers: { ...suite.host.alpha, "content-type": "application/json" }, body: '{"agent":"echo","input":{"text":"x","constructor":{"prototype":{"polluted":true}}}}' });
    expect(response.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("query parameters a route does not take", () => {
  it.each([
    ["GET", "/v1/agents?tag=seo"],
    ["GET", "/v1/connectors?mode=live"],
    ["GET", "/v1/runs/events?since=0"],
    ["GET", "/v1/runs/run_1?include=tools"],
    ["POST", "/v1/runs/run_1/cancel?force=true"],
    ["DELETE", "/v1/schedules/schedule_1?force=true"],
    ["GET", "/ui/session?next=%2F"],
    ["DELETE", "/ui/session?everywhere=true"],
  ] as const)("answers 400 naming the query for %s %s, before anything else", async (method, url) => {
    const response = await suite.host.app.inject({ method, url, headers: suite.host.alpha });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "querystring", message: expect.stringContaining("Unrecognized key") }] });
  });
});

describe("schedule input a queued run could not receive", () => {
  it.each([
    ["a NUL in the agent", '{"agent":"echo\\u0000","cron":"0 6 * * *","input":{"text":"hi"}}', "body.agent"],
    ["a lone surrogate in the agent", '{"agent":"\\ud800","cron":"0 6 * * *","input":{"text":"hi"}}', "body.agent"],
  ])("answers 400 naming the field for %s, as a run does", async (_label, payload, path) => {
    const response = await suite.host.app.inject({ method: "POST", url: "/v1/schedules", headers: { ...suite.host.alpha, "content-type": "application/json" }, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path }] });
  });

  it("answers 400 naming a field that redaction would change, and keeps no schedule", async () => {
    const created = await suite.host.app.inject({ method: "POST", url: "/v1/schedules", headers: suite.host.alpha, payload: { agent: "echo", cron: "0 6 * * *", input: { text: "hi", password: "hunter2" } } });
    expect(created.statusCode).toBe(400);
    expect(created.json()).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "body.input.password" }] });
    expect((await suite.host.schedules.list({ organizationId: "org_alpha", limit: 100 })).schedules).toEqual([]);

    const schedule = (await suite.host.app.inject({ method: "POST", url: "/v1/schedules", headers: suite.host.alpha, payload: { agent: "echo", cron: "0 6 * * *", input: { text: "hi" } } })).json();
    const changed = await suite.host.app.inject({ method: "PATCH", url: `/v1/schedules/${schedule.id}`, headers: suite.host.alpha, payload: { input: { text: "Bearer abcdefghijklmnopqrstuvwxyz0123456789" } } });
    expect(changed.statusCode).toBe(400);
    expect(changed.json()).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "body.input.text" }] });
    expect((await suite.host.schedules.get("org_alpha", schedule.id)).input).toEqual({ text: "hi" });
    await suite.host.schedules.delete("org_alpha", schedule.id);
  });
});

describe("path parameters of any length", () => {
  it.each([
    ["GET", "/v1/runs/{id}", "params.id"],
    ["POST", "/v1/runs/{id}/cancel", "params.id"],
    ["GET", "/v1/schedules/{id}", "params.id"],
    ["DELETE", "/v1/schedules/{id}", "params.id"],
  ] as const)("answers 400 naming the parameter for a 5,000-character id in %s %s", async (method, route, path) => {
    const response = await fetch(`${suite.baseUrl}${route.replace("{id}", "a".repeat(5_000))}`, { method, headers: suite.host.alpha });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path }] });
  });

  it("answers 400 naming a 5,000-character signal name", async () => {
    const response = await fetch(`${suite.baseUrl}/v1/runs/run_1/signals/${"a".repeat(5_000)}`, { method: "POST", headers: { ...suite.host.alpha, "content-type": "application/json" }, body: "{}" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "params.name" }] });
  });
});

describe("signal payloads the store cannot hold", () => {

  it.each([
    ["a NUL in the payload", JSON.stringify({ payload: { note: "a\u0000b" } }), "body.payload.note"],
    ["a lone surrogate in an item", '{"payload":{"items":["ok","\\udc00"]}}', "body.payload.items.1"],
    ["a lone surrogate in a key", '{"payload":{"\\ud800":true}}', "body.payload.\ud800"],
    ["a payload 5,000 levels deep", `{"payload":${deepInput(5_000)}}`, "body.payload.a.a"],
    ["a number JSON parses to Infinity", '{"payload":{"amount":1e400}}', "body.payload.amount"],
  ])("answers 400 with the field's path for %s, and keeps no signal", async (_label, body, path) => {
    const run = (await suite.host.app.inject({ method: "POST", url: "/v1/runs", headers: suite.host.alpha, payload: { agent: "approval", input: { text: "raise budget" } } })).json();
    expect(run.status).toBe("WAITING");
    const response = await fetch(`${suite.baseUrl}/v1/runs/${run.id}/signals/approval`, { method: "POST", headers: { ...suite.host.alpha, "content-type": "application/json" }, body });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await response.json()) as { code: string; fieldErrors: Array<{ path: string }> };
    expect(problem.code).toBe("VALIDATION_FAILED");
    expect(problem.fieldErrors[0]?.path.startsWith(path)).toBe(true);
    expect(await suite.host.orchestrator.store.getSignal("org_alpha", run.id, "approval")).toBeNull();
    expect((await suite.host.orchestrator.getRun("org_alpha", run.id))?.status).toBe("WAITING");
  });
});
