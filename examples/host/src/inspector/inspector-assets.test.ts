import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadInspectorAssets } from "./inspector-assets.js";

describe("loadInspectorAssets", () => {
  const folders: string[] = [];
  const folderWith = (files: Record<string, string>) => {
    const folder = mkdtempSync(join(tmpdir(), "neonhub-inspector-assets-"));
    folders.push(folder);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    return folder;
  };
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it("reads the build in the folder NEONHUB_INSPECTOR_ASSETS_DIR names", () => {
    expect(loadInspectorAssets(folderWith({ "app.js": "console.log('inspector')", "app.css": "body{}" }))).toEqual({ script: "console.log('inspector')", styles: "body{}" });
  });

  it("refuses a named folder without a build, naming the variable and each file it lacks", () => {
    const missing = join(tmpdir(), "neonhub-no-such-inspector-folder");
    expect(() => loadInspectorAssets(missing)).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID", message: expect.stringContaining(`NEONHUB_INSPECTOR_ASSETS_DIR=${missing} lacks app.js and app.css, `) }));
    const scriptOnly = folderWith({ "app.js": "console.log('inspector')" });
    expect(() => loadInspectorAssets(scriptOnly)).toThrow(`NEONHUB_INSPECTOR_ASSETS_DIR=${scriptOnly} lacks app.css, the files of a built inspector`);
    // A folder where a file should be cannot be read either.
    const unreadable = folderWith({ "app.css": "body{}" });
    mkdirSync(join(unreadable, "app.js"));
    expect(() => loadInspectorAssets(unreadable)).toThrow(`NEONHUB_INSPECTOR_ASSETS_DIR=${unreadable} has app.js and app.css, which cannot be read`);
  });
});
