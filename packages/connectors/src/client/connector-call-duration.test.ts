import type { Clock } from "@neonhub/core";
import { createManualClock, createRecordingMetricsSink } from "@neonhub/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { slackConnector } from "../connectors/slack-connector.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";

describe("a connector call's reported duration", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());

  it("is the time the call took, and zero rather than negative when the clock steps back during it", async () => {
    const manual = createManualClock();
    let stepMs = 0;
    const clock: Clock = { now: () => manual.now() + stepMs, sleep: manual.sleep, schedule: manual.schedule };
    const metrics = createRecordingMetricsSink();
    const answers = [-250, 40];
    harness = await startLiveHarness({
      connector: slackConnector,
      credentials: { accessToken: "xoxb-duration-token" },
      // Each request moves the clock: back 250 ms (NTP, or a new offset of a reference clock), then on by 40 ms.
      handler: () => {
        stepMs += answers.shift() ?? 0;
        return { status: 200, json: { ok: true, channel: "C1", ts: "1700000000.000100" } };
      },
      client: { clock, metrics },
    });

    await harness.client.invoke(slackConnector, "postMessage", { channel: "C1", text: "back" });
    await harness.client.invoke(slackConnector, "postMessage", { channel: "C2", text: "on" });

    expect(metrics.ofType("toolExecutionFinished").map((event) => event.durationMs)).toEqual([0, 40]);
  });
});
