import { readFileSync } from "node:fs";
import { isNeonhubError } from "@neonhub/core";
import { afterEach, describe, expect, it } from "vitest";
import { createConnectorClient } from "../client/create-connector-client.js";
import { isConnectorAuthError } from "../sdk/connector-auth-error.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import type { ReceivedRequest } from "../testing/provider-server.js";
import { GRAPH_API_VERSION } from "./graph-api-response.js";
import { instagramConnector } from "./instagram-connector.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
const TOKEN = "EAAInstagramUserAccessToken0003xyz";
const input = { igUserId: "17841405822304914", imageUrl: "https://cdn.acme.dev/launch.jpg", caption: "Launch day #acme" };
const documented = (request: ReceivedRequest) =>
  request.path.endsWith("/media_publish") ? { status: 200, json: fixture("instagram-media-publish.200.json") } : { status: 200, json: fixture("instagram-media-container.200.json") };

describe("instagram connector (POST /{ig-user-id}/media, then /media_publish)", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());
  const start = (handler: Parameters<typeof startLiveHarness>[0]["handler"]) =>
    startLiveHarness({ connector: instagramConnector, credentials: { accessToken: TOKEN }, handler }).then((started) => (harness = started));

  it("creates a container for the image, publishes it by creation_id, and returns both ids", async () => {
    await start(documented);
    await expect(harness.client.invoke(instagramConnector, "publishMedia", input)).resolves.toEqual({ containerId: "17889455560051444", mediaId: "17920238422030506" });
    const [container, publish] = harness.server.requests;
    expect(harness.server.requests).toHaveLength(2);
    for (const request of [container, publish]) expect(request).toMatchObject({ method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, query: {} });
    expect(container?.path).toBe(`/${GRAPH_API_VERSION}/17841405822304914/media`);
    expect(container?.json).toEqual({ image_url: "https://cdn.acme.dev/launch.jpg", caption: "Launch day #acme" });
    expect(publish?.path).toBe(`/${GRAPH_API_VERSION}/17841405822304914/media_publish`);
    expect(publish?.json).toEqual({ creation_id: "17889455560051444" });
  });

  it("does not publish when the container cannot be created", async () => {
    await start(() => ({ status: 400, json: fixture("instagram-invalid-image.400.json") }));
    const error = await harness.client.invoke(instagramConnector, "publishMedia", input).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    expect((error as Error).message).toContain("Only photo or video can be accepted");
    expect(harness.server.requests.map((request) => request.path)).toEqual([`/${GRAPH_API_VERSION}/17841405822304914/media`]);
  });

  it("maps the user request limit (code 17) of the publish step to RATE_LIMITED", async () => {
    await start((request) => (request.path.endsWith("/media_publish") ? { status: 400, json: fixture("instagram-user-throttled.400.json") } : documented(request)));
    const error = await harness.client.invoke(instagramConnector, "publishMedia", input).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "RATE_LIMITED")).toBe(true);
    expect(error).toMatchObject({ isRetryable: true, details: { graphErrorCode: 17 } });
  });

  it("maps an expired token to an unauthorized auth error", async () => {
    await start(() => ({ status: 400, json: fixture("graph-expired-token.400.json") }));
    const error = await harness.client.invoke(instagramConnector, "publishMedia", input).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(error, "unauthorized")).toBe(true);
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it("rejects an image URL that is not http(s) before any request", async () => {
    await start(documented);
    const error = await harness.client.invoke(instagramConnector, "publishMedia", { ...input, imageUrl: "file:///etc/passwd" }).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    expect(harness.server.requests).toHaveLength(0);
  });

  it("answers seeded container and media ids in mock mode", async () => {
    const client = () => createConnectorClient({ mode: "mock", environment: {}, connectors: [instagramConnector] });
    const answer = await client().invoke(instagramConnector, "publishMedia", input);
    expect(await client().invoke(instagramConnector, "publishMedia", input)).toEqual(answer);
    expect(answer.containerId).toMatch(/^178\d{14}$/);
    expect(answer.mediaId).toMatch(/^179\d{14}$/);
  });
});
