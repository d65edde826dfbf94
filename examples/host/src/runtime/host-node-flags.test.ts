import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HOST_NODE_FLAGS } from "./host-node-flags.js";

describe("HOST_NODE_FLAGS", () => {
  it("are the flags of the package's start script, which the benchmark and CI's smoke test also use", () => {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { scripts: { start: string } };
    expect(manifest.scripts.start).toBe(["node", ...HOST_NODE_FLAGS, "dist/main.js"].join(" "));
  });

  it("are flags this Node accepts", () => {
    for (const flag of HOST_NODE_FLAGS) expect(process.allowedNodeEnvironmentFlags.has(flag.split("=")[0] as string)).toBe(true);
  });
});
