import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { loadHostConfig } from "../config/host-config.js";
import { createHostLogger } from "./create-logger.js";
import { openHostRuntime } from "./open-host-runtime.js";

const logger = createHostLogger({ logLevel: "silent" });

const UNUSABLE_CLIENTS = {
  NEONHUB_OAUTH_FOO_CLIENT_ID: "abc",
  NEONHUB_OAUTH_STRIPE_CLIENT_ID: "stripe-client",
  NEONHUB_OAUTH_GOOGLE_ADS_CLIENT_ID: "client-1.apps.googleusercontent.com",
  NEONHUB_OAUTH_GOOGLE_ADS_FIELD_NOPE: "value",
};

describe("OAuth client variables of the host", () => {
  const folders: string[] = [];
  const dataDir = () => {
    const parent = mkdtempSync(join(tmpdir(), "neonhub-oauth-clients-"));
    folders.push(parent);
    return join(parent, "data");
  };
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  // Without a credentials key the host has no connection service, which used to hold these checks.
  for (const [label, credentials] of [
    ["without a credentials key", {}],
    ["with a credentials key", { NEONHUB_CREDENTIALS_KEY: randomBytes(32).toString("base64") }],
  ] as const) {
    it(`refuses to start ${label}, before opening anything, naming each variable no authorization could use`, async () => {
      const folder = dataDir();
      const refusal = await openHostRuntime(loadHostConfig({ NEONHUB_DATA_DIR: folder, ...credentials, ...UNUSABLE_CLIENTS }), logger).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refusal).toMatchObject({ code: "CONFIGURATION_INVALID" });
      expect((refusal as Error).message.split("\n")).toEqual([
        expect.stringMatching(/^NEONHUB_OAUTH_FOO_CLIENT_ID names "foo", which is not a registered connector\. Connectors that use OAuth 2\.0: .*google-ads/),
        'NEONHUB_OAUTH_STRIPE_CLIENT_ID names "stripe", whose connector does not use OAuth 2.0 (auth type bearer).',
        'NEONHUB_OAUTH_GOOGLE_ADS_FIELD_NOPE sets "nope", which is not a field the google-ads connector sends (developerToken, loginCustomerId).',
      ]);
      expect(existsSync(folder)).toBe(false);
    });
  }

  it("starts with a client of an OAuth 2.0 connector and a field it sends", async () => {
    const config = loadHostConfig({
      NEONHUB_DATA_DIR: dataDir(),
      NEONHUB_SCHEDULER_INTERVAL_MS: "0",
      NEONHUB_OAUTH_GOOGLE_ADS_CLIENT_ID: "client-1.apps.googleusercontent.com",
      NEONHUB_OAUTH_GOOGLE_ADS_FIELD_DEVELOPER_TOKEN: "developer-token",
    });
    const runtime = await openHostRuntime(config, logger);
    await runtime.orchestrator.drain({ deadlineMs: 0 });
    await runtime.close();
  }, 60_000);
});
