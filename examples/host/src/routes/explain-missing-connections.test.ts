import { afterEach, beforeEach, expect, it } from "vitest";
import { createTestHost, type TestHost } from "../testing/create-test-host.js";

let host: TestHost;
beforeEach(async () => {
  host = await createTestHost();
});
afterEach(async () => {
  await host.app.close();
});

it("answers the connections routes of a host without a credentials key with a 404 that says why", async () => {
  for (const [method, url] of [["GET", "/v1/connections"], ["PUT", "/v1/connections/slack"], ["POST", "/v1/connections/slack/authorize"], ["GET", "/v1/connections/slack/x/y?z=1"]] as const) {
    const response = await host.app.inject({ method, url, headers: host.alpha });
    expect(response.statusCode, `${method} ${url}`).toBe(404);
    expect(response.json(), `${method} ${url}`).toMatchObject({
      code: "NOT_FOUND",
      detail: `No route ${method} ${url.split("?")[0]}: this host has no connections API, which it starts when NEONHUB_CREDENTIALS_KEY is set.`,
    });
  }
});

it("answers any other unknown route with the plain 404", async () => {
  const response = await host.app.inject({ method: "GET", url: "/v1/connectionsx", headers: host.alpha });
  expect(response.json()).toMatchObject({ code: "NOT_FOUND", detail: "No route GET /v1/connectionsx." });
});
