import { Writable } from "node:stream";
import { openNeonhubDatabase } from "@neonhub/persistence-prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVELOPMENT_CALLER } from "../src/auth/provision-development-key.js";
import { loadHostConfig } from "../src/config/host-config.js";
import { createHostLogger } from "../src/runtime/create-logger.js";
import { startHost } from "../src/runtime/start-host.js";
import { createScratchDatabase, type ScratchDatabase } from "./scratch-database.js";

const baseUrl = process.env.TEST_DATABASE_URL;
if (!baseUrl) console.warn("TEST_DATABASE_URL is not set: skipping the development key test of a host on PostgreSQL.");

const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
const CHOSEN_KEY = "nh_chosen_development_key_0123456789";

/** Starts and stops a host on the scratch database; returns what it announced, and the development organization's keys and schedules. */
async function startOnce(url: string, environment: Record<string, string> = {}) {
  let announced = "";
  const host = await startHost(loadHostConfig({ DATABASE_URL: url, PORT: "0", ...environment }), createHostLogger({ logLevel: "silent" }, silent), (text) => void (announced += text));
  await host.stop();
  const database = await openNeonhubDatabase({ url });
  try {
    const keys = await database.apiKeyStore.list(DEVELOPMENT_CALLER.organizationId);
    const schedules = (await database.scheduleStore.listSchedules({ organizationId: DEVELOPMENT_CALLER.organizationId, limit: 100 })).schedules;
    return { announced, keys, schedules };
  } finally {
    await database.close();
  }
}

describe.skipIf(!baseUrl)("the development key of a host on PostgreSQL", () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase(baseUrl as string, "devkey");
  }, 120_000);
  afterAll(() => scratch?.drop());

  it("is not created at random, so that no key with every scope is printed to a deployment's logs", async () => {
    const started = await startOnce(scratch.url);
    expect(started.announced).not.toMatch(/nh_/);
    expect(started.keys).toEqual([]);
    expect(started.schedules).toEqual([]);
  }, 120_000);

  it("is provisioned when the operator names it, without printing it", async () => {
    const started = await startOnce(scratch.url, { NEONHUB_DEV_API_KEY: CHOSEN_KEY });
    expect(started.announced).not.toContain(CHOSEN_KEY);
    expect(started.keys).toHaveLength(1);
    expect(started.schedules.length).toBeGreaterThan(0);
  }, 120_000);
});
