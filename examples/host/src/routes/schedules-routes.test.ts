import { createScheduler } from "@neonhub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestHost, type TestHost } from "../testing/create-test-host.js";

let host: TestHost;
let baseUrl: string;
beforeAll(async () => {
  host = await createTestHost();
  baseUrl = await host.app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  await host.app.close();
});

const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = host.alpha) => {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? null : JSON.parse(text) };
};
const daily = { agent: "echo", cron: "0 6 * * *", timeZone: "Europe/Berlin", input: { text: "good morning" } };

describe("/v1/schedules", () => {
  it("creates a schedule for the caller and reads it back", async () => {
    const created = await call("POST", "/v1/schedules", daily);
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe(`/v1/schedules/${created.body.id}`);
    expect(created.body).toMatchObject({
      organizationId: "org_alpha",
      agent: "echo",
      cron: "0 6 * * *",
      timeZone: "Europe/Berlin",
      input: { text: "good morning" },
      enabled: true,
      catchUp: "latest",
      lastTickAt: null,
      createdBy: "user_alpha",
    });
    expect(new Date(created.body.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    const read = await call("GET", `/v1/schedules/${created.body.id}`);
    expect(read).toMatchObject({ status: 200, body: created.body });
  });

  it("answers 404 for another organization's schedule, on every route", async () => {
    const { body: schedule } = await call("POST", "/v1/schedules", daily);
    for (const [method, body] of [["GET", undefined], ["PATCH", { enabled: false }], ["DELETE", undefined]] as const) {
      const response = await call(method, `/v1/schedules/${schedule.id}`, body, host.beta);
      expect(response.status, method).toBe(404);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      expect(response.body).toMatchObject({ code: "SCHEDULE_NOT_FOUND", type: "urn:neonhub:problem:schedule-not-found" });
    }
    expect((await call("GET", `/v1/schedules/${schedule.id}`)).body.enabled).toBe(true);
    expect((await call("GET", "/v1/schedules", undefined, host.beta)).body.schedules).toEqual([]);
  });

  it("lists the organization's schedules newest first with a cursor, and by agent", async () => {
    const ids: string[] = [];
    for (let index = 0; index < 3; index += 1) ids.push((await call("POST", "/v1/schedules", { ...daily, agent: "scarce", input: {} })).body.id);
    const first = await call("GET", "/v1/schedules?agent=scarce&limit=2");
    expect(first.status).toBe(200);
    expect(first.body.schedules.map((schedule: { id: string }) => schedule.id)).toEqual([ids[2], ids[1]]);
    const second = await call("GET", `/v1/schedules?agent=scarce&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ schedules: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
  });

  it("changes a schedule, moving its next tick when the expression changes", async () => {
    const { body: schedule } = await call("POST", "/v1/schedules", daily);
    const changed = await call("PATCH", `/v1/schedules/${schedule.id}`, { cron: "30 7 * * 1", timeZone: "UTC", enabled: false, input: { text: "monday" }, catchUp: "none" });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ cron: "30 7 * * 1", timeZone: "UTC", enabled: false, input: { text: "monday" }, catchUp: "none" });
    const next = new Date(changed.body.nextRunAt);
    expect([next.getUTCDay(), next.getUTCHours(), next.getUTCMinutes()]).toEqual([1, 7, 30]);
    const empty = await call("PATCH", `/v1/schedules/${schedule.id}`, {});
    expect(empty.status).toBe(400);
  });

  it("deletes a schedule once", async () => {
    const { body: schedule } = await call("POST", "/v1/schedules", daily);
    const deleted = await call("DELETE", `/v1/schedules/${schedule.id}`);
    expect(deleted).toMatchObject({ status: 204, body: null });
    expect((await call("DELETE", `/v1/schedules/${schedule.id}`)).status).toBe(404);
    expect((await call("GET", `/v1/schedules/${schedule.id}`)).status).toBe(404);
  });

  it("refuses invalid schedules with 400 and the field that is wrong, before storing anything", async () => {
    const before = (await call("GET", "/v1/schedules?limit=100")).body.schedules.length;
    const seconds = await call("POST", "/v1/schedules", { ...daily, cron: "*/5 * * * * *" });
    expect(seconds).toMatchObject({ status: 400, body: { code: "INVALID_SCHEDULE", fieldErrors: [expect.objectContaining({ path: "body.cron" })] } });
    const zone = await call("POST", "/v1/schedules", { ...daily, timeZone: "Europe/Atlantis" });
    expect(zone).toMatchObject({ status: 400, body: { code: "INVALID_SCHEDULE", fieldErrors: [expect.objectContaining({ path: "body.timeZone" })] } });
    const offset = await call("POST", "/v1/schedules", { ...daily, timeZone: "+05:00" });
    expect(offset).toMatchObject({ status: 400, body: { code: "INVALID_SCHEDULE", fieldErrors: [expect.objectContaining({ path: "body.timeZone" })] } });
    const reboot = await call("POST", "/v1/schedules", { ...daily, cron: "@reboot" });
    expect(reboot).toMatchObject({ status: 400, body: { code: "INVALID_SCHEDULE", detail: expect.stringMatching(/@reboot is not supported/), fieldErrors: [expect.objectContaining({ path: "body.cron" })] } });
    const never = await call("POST", "/v1/schedules", { ...daily, cron: "0 0 30 2 *" });
    expect(never).toMatchObject({ status: 400, body: { code: "INVALID_SCHEDULE", fieldErrors: [{ path: "body.cron", message: "Never matches a date" }] } });
    const input = await call("POST", "/v1/schedules", { ...daily, input: { text: "" } });
    expect(input).toMatchObject({ status: 400, body: { code: "VALIDATION_FAILED", fieldErrors: [expect.objectContaining({ path: "body.input.text" })] } });
    const policy = await call("POST", "/v1/schedules", { ...daily, catchUp: "sometimes" });
    expect(policy).toMatchObject({ status: 400, body: { code: "VALIDATION_FAILED", fieldErrors: [expect.objectContaining({ path: "body.catchUp" })] } });
    const agent = await call("POST", "/v1/schedules", { ...daily, agent: "nobody" });
    expect(agent).toMatchObject({ status: 404, body: { code: "AGENT_NOT_FOUND" } });
    const id = await call("GET", "/v1/schedules/not%20an%20id");
    expect(id.status).toBe(400);
    expect((await call("GET", "/v1/schedules?limit=100")).body.schedules).toHaveLength(before);
  });

  it("answers 401 without a valid key", async () => {
    expect((await call("GET", "/v1/schedules", undefined, {})).status).toBe(401);
    expect((await call("POST", "/v1/schedules", daily, { authorization: `Bearer ${host.keys.revoked}` })).status).toBe(401);
  });

  it("starts the runs of a created schedule when its tick comes, as the user who created it", async () => {
    const { body: schedule } = await call("POST", "/v1/schedules", { ...daily, cron: "* * * * *", timeZone: "UTC" });
    const scheduler = createScheduler({ orchestrator: host.orchestrator, store: host.scheduleStore, intervalMs: 0, clock: { now: () => Date.parse(schedule.nextRunAt), sleep: async () => {}, schedule: () => () => {} } });
    const pass = await scheduler.runDueSchedules();
    expect(pass.runIds).toHaveLength(1);
    const run = await call("GET", `/v1/runs/${pass.runIds[0]}`);
    expect(run.body).toMatchObject({ agentName: "echo", userId: "user_alpha", idempotencyKey: `schedule:${schedule.id}:${schedule.nextRunAt}` });
    expect((await call("GET", `/v1/schedules/${schedule.id}`)).body.lastTickAt).toBe(schedule.nextRunAt);
  });
});
