import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadHostConfig } from "../config/host-config.js";
import { createHostLogger } from "./create-logger.js";
import { startHost } from "./start-host.js";

describe("NEONHUB_INSPECTOR_ASSETS_DIR at start", () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it("refuses to start, before opening anything, when the folder holds no build of the inspector", async () => {
    const parent = mkdtempSync(join(tmpdir(), "neonhub-inspector-start-"));
    folders.push(parent);
    const dataDir = join(parent, "data");
    const config = loadHostConfig({ NEONHUB_DATA_DIR: dataDir, PORT: "0", NEONHUB_INSPECTOR_ASSETS_DIR: join(parent, "nonexistent") });
    await expect(startHost(config, createHostLogger({ logLevel: "silent" }), () => undefined)).rejects.toMatchObject({
      code: "CONFIGURATION_INVALID",
      message: expect.stringContaining(`NEONHUB_INSPECTOR_ASSETS_DIR=${join(parent, "nonexistent")} lacks app.js and app.css`),
    });
    expect(existsSync(dataDir)).toBe(false);
  });
});
