import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EMBEDDED_LOCK_NAME, EMBEDDED_LOCK_STALE_MS, lockEmbeddedFolder } from "./embedded-folder-lock.js";

/**
 * Lets the file system's callbacks run until `until` holds: they are real I/O, which fake timers do not move. Bounded
 * by real time, not by turns of the event loop, which a loaded machine's I/O can outlast.
 */
const settleIo = async (until: () => boolean | Promise<boolean>, deadlineMs = 10_000) => {
  const deadline = performance.now() + deadlineMs;
  while (!(await until()) && performance.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
};

describe("the claim on an embedded database's folder", () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), "neonhub-lock-"));
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(async () => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    await rm(folder, { recursive: true, force: true });
  });

  it("is refreshed while held, so that it never looks lapsed to another process, and removed on release", async () => {
    const release = await lockEmbeddedFolder(folder, folder, 0);
    const lock = join(folder, EMBEDDED_LOCK_NAME);
    const first = (await stat(lock)).mtimeMs;
    vi.advanceTimersByTime(EMBEDDED_LOCK_STALE_MS / 2);
    await settleIo(async () => (await stat(lock)).mtimeMs > first);
    expect((await stat(lock)).mtimeMs).toBeGreaterThan(first);
    await expect(lockEmbeddedFolder(folder, folder, 0)).rejects.toMatchObject({ code: "CONFIGURATION_INVALID" });
    await release();
    await expect(stat(lock)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("warns when the claim is lost (its lock was deleted), rather than throwing from a timer", async () => {
    const warnings: string[] = [];
    vi.spyOn(process, "emitWarning").mockImplementation(((warning: string | Error) => void warnings.push(String(warning))) as typeof process.emitWarning);
    const release = await lockEmbeddedFolder(folder, "./data", 0);
    await rm(join(folder, EMBEDDED_LOCK_NAME), { recursive: true });
    vi.advanceTimersByTime(EMBEDDED_LOCK_STALE_MS / 2);
    await settleIo(() => warnings.length > 0);
    expect(warnings).toEqual([expect.stringContaining("The claim on the embedded database in ./data was lost")]);
    await expect(release()).resolves.toBeUndefined();
  });
});
