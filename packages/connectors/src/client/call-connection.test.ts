import { createManualClock } from "@neonhub/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { slackConnector } from "../connectors/slack-connector.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { DEFAULT_CONNECTOR_TIMEOUT_MS } from "./invoke-action.js";

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("a connection test or revocation the provider never answers", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());

  // A host deleting a connection waits for the revocation: a provider that hangs must not hold it for ever.
  it.each(["revocation", "test"] as const)("fails the %s with a retryable TIMEOUT at the connector's deadline, on the client's clock", async (purpose) => {
    const clock = createManualClock();
    harness = await startLiveHarness({ connector: slackConnector, credentials: { accessToken: "xoxb-hanging-token" }, handler: () => "hang", client: { clock } });
    let settled = false;
    const call = harness.client.callConnection(slackConnector.id, harness.organizationId, purpose).then(
      (answer) => answer,
      (error: unknown) => error,
    );
    void call.finally(() => (settled = true));
    await harness.server.waitForRequests(1);
    await settle();
    const timeoutMs = slackConnector.timeoutMs ?? DEFAULT_CONNECTOR_TIMEOUT_MS;
    await clock.advance(timeoutMs - 1);
    await settle();
    expect(settled).toBe(false);
    await clock.advance(1);
    expect(await call).toMatchObject({ code: "TIMEOUT", isRetryable: true });
    expect(harness.server.requests.map((request) => request.path)).toEqual([purpose === "test" ? "/auth.test" : "/auth.revoke"]);
  });
});
