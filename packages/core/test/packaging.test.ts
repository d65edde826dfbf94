import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Proves that another service can install the published package and use it from ESM and CommonJS.
const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), "..");
const consumerScript = (importLine: string) => `${importLine}
const agent = core.defineAgent({
  name: "greeter", version: "1.0.0", description: "Greets",
  input: z.object({ name: z.string() }), output: z.object({ greeting: z.string() }),
  handle: async (input, ctx) => ({ greeting: await ctx.tool("format.greeting", input, async () => "Hello, " + input.name) }),
});
const orchestrator = core.createOrchestrator({ agents: [agent] });
orchestrator.orchestrate({ agent: "greeter", input: { name: "Ada" }, context: { userId: "u", organizationId: "o" } })
  .then(async (run) => {
    const full = await orchestrator.getRun("o", run.id);
    let invalid = null;
    try { await orchestrator.orchestrate({ agent: "greeter", input: {}, context: { userId: "u", organizationId: "o" } }); } catch (error) { invalid = error.code; }
    console.log(JSON.stringify({ status: run.status, output: run.output, tools: full.toolExecutions.length, invalid, guard: core.isNeonhubError(new core.TimeoutError("x"), "TIMEOUT"), testing: typeof testing?.runRunStoreConformanceSuite }));
  });
`;

describe("packaging: @neonhub/core installed from its tarball", () => {
  let consumer: string;
  beforeAll(() => {
    consumer = mkdtempSync(join(tmpdir(), "neonhub-consumer-"));
    execFileSync("pnpm", ["run", "build"], { cwd: packageDirectory, stdio: "pipe" });
    execFileSync("pnpm", ["pack", "--pack-destination", consumer], { cwd: packageDirectory, stdio: "pipe" });
    const tarball = readdirSync(consumer).find((name) => name.endsWith(".tgz"));
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, version: "1.0.0" }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", `./${tarball}`, "zod@^4.1.5", "vitest@4.1.12"], { cwd: consumer, stdio: "pipe" });
  }, 240_000);
  afterAll(() => rmSync(consumer, { recursive: true, force: true }));

  const expected = { status: "COMPLETED", output: { greeting: "Hello, Ada" }, tools: 1, invalid: "VALIDATION_FAILED", guard: true, testing: "function" };

  it("works from an ES module", () => {
    writeFileSync(join(consumer, "consumer.mjs"), consumerScript('import * as core from "@neonhub/core";\nimport * as testing from "@neonhub/core/testing";\nimport { z } from "zod";'));
    expect(JSON.parse(execFileSync("node", ["consumer.mjs"], { cwd: consumer, encoding: "utf8" }))).toEqual(expected);
  });

  it("works from CommonJS, the testing subpath included", () => {
    writeFileSync(join(consumer, "consumer.cjs"), consumerScript('const core = require("@neonhub/core");\nconst testing = require("@neonhub/core/testing");\nconst { z } = require("zod");'));
    expect(JSON.parse(execFileSync("node", ["consumer.cjs"], { cwd: consumer, encoding: "utf8" }))).toEqual(expected);
  });

  it("ships only the build, not sources or tests", () => {
    const listing = execFileSync("tar", ["-tzf", readdirSync(consumer).find((name) => name.endsWith(".tgz")) as string], { cwd: consumer, encoding: "utf8" });
    expect(listing).toContain("package/dist/index.js");
    expect(listing).toContain("package/dist/index.cjs");
    expect(listing).toContain("package/dist/index.d.ts");
    expect(listing).not.toMatch(/\.test\.|package\/src\//);
  });
});
