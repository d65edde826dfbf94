import { createManualClock } from "@neonhub/core/testing";
import { describe, expect, it } from "vitest";
import { createSessionStore, tokensMatch } from "./session-store.js";

describe("createSessionStore", () => {
  it("finds a session by its id only, and never by a guessed or malformed one", () => {
    const sessions = createSessionStore();
    const { id, session } = sessions.create("key-hash");
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.csrfToken).not.toBe(id);
    expect(sessions.find(id)).toMatchObject({ apiKeyHash: "key-hash", csrfToken: session.csrfToken });
    expect(sessions.find(`${id.slice(0, -1)}${id.endsWith("A") ? "B" : "A"}`)).toBeNull();
    expect(sessions.find("not a session")).toBeNull();
  });

  it("ends a session after its idle time, after its absolute lifetime, and on delete", async () => {
    const clock = createManualClock();
    const sessions = createSessionStore({ clock, idleTtlMs: 1_000, absoluteTtlMs: 2_500 });
    const idle = sessions.create("a");
    const busy = sessions.create("b");
    const removed = sessions.create("c");
    sessions.delete(removed.id);
    expect(sessions.find(removed.id)).toBeNull();
    for (let step = 0; step < 2; step += 1) {
      await clock.advance(900);
      expect(sessions.find(busy.id)).not.toBeNull();
    }
    expect(sessions.find(idle.id)).toBeNull();
    await clock.advance(700);
    expect(sessions.find(busy.id)).toBeNull();
  });

  it("keeps at most maxSessions, dropping the least recently used", () => {
    const sessions = createSessionStore({ maxSessions: 4 });
    const opened = Array.from({ length: 12 }, (_, index) => sessions.create(`key-${index}`));
    const alive = opened.filter((entry) => sessions.find(entry.id) !== null);
    expect(alive.length).toBeLessThanOrEqual(4);
    expect(alive.map((entry) => entry.session.apiKeyHash)).toContain("key-11");
  });

  it("compares CSRF tokens exactly", () => {
    expect(tokensMatch("abc", "abc")).toBe(true);
    expect(tokensMatch("abc", "abd")).toBe(false);
    expect(tokensMatch("abc", "ab")).toBe(false);
    expect(tokensMatch("abc", undefined)).toBe(false);
  });
});
