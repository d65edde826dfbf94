import { describe, expect, it } from "vitest";
import { parseRunNote } from "./run-event-relay.js";

const event = { id: "run-1", agentName: "seo-analyst", userId: "user-1", intent: null, status: "COMPLETED", createdAt: "2026-12-05T09:00:00.000Z", completedAt: "2026-12-05T09:00:01.000Z", durationMs: 1000 };

describe("parseRunNote", () => {
  it("reads a note as the relay publishes it", () => {
    expect(parseRunNote({ organizationId: "org-1", event })).toEqual({ organizationId: "org-1", event });
  });

  it("drops anything else another publisher on the channel could send", () => {
    for (const message of [
      null,
      "text",
      { event },
      { organizationId: "", event },
      { organizationId: "org-1", event: { ...event, status: "EXPLODED" } },
      { organizationId: "org-1", event: { ...event, createdAt: "yesterday" } },
      { organizationId: "org-1", event: { ...event, durationMs: "1000" } },
      { organizationId: "org-1", event: { ...event, id: "x".repeat(201) } },
    ]) {
      expect(parseRunNote(message)).toBeNull();
    }
  });
});
