import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DATABASE_URL } from "./scratch-database.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the drift check tests (they build scratch databases on PostgreSQL).");

const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const schemaPath = join(repositoryRoot, "prisma", "schema.prisma");

// The pnpm that runs the tests when there is one (it may not be on the PATH), else the one on the PATH.
const pnpmPath = process.env.npm_execpath?.includes("pnpm") ? process.env.npm_execpath : undefined;
const [pnpmCommand, ...pnpmPrefix] = pnpmPath ? [process.execPath, pnpmPath] : ["pnpm"];

/** Runs `pnpm db:drift` the way a developer does, optionally against another schema file. */
function runDriftCommand(schema?: string): { status: number | null; output: string } {
  const result = spawnSync(pnpmCommand!, [...pnpmPrefix, "-s", "db:drift", ...(schema ? ["--schema", schema] : [])], {
    cwd: repositoryRoot,
    encoding: "utf8",
    env: { ...process.env, DRIFT_DATABASE_URL: TEST_DATABASE_URL },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe.skipIf(!TEST_DATABASE_URL)("pnpm db:drift", () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "neonhub-drift-"));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("passes when schema.prisma and the committed migrations agree", () => {
    const result = runDriftCommand();
    expect(result.output).toContain("No drift");
    expect(result.status).toBe(0);
  });

  it("fails and names the difference when the schema changes without a migration", () => {
    const drifted = readFileSync(schemaPath, "utf8")
      .replace("  requestHash    String?\n", "  requestHash    String?\n  costUsd        Float?\n")
      .replace("@@index([agentName, status])", "@@index([agentName])");
    const path = join(folder, "drifted.prisma");
    writeFileSync(path, drifted);
    const result = runDriftCommand(path);
    expect(result.status).toBe(1);
    expect(result.output).toContain("only in schema.prisma: column AgentRun.costUsd double precision");
    expect(result.output).toMatch(/only in migrations: +index AgentRun_agentName_status_idx/);
  });
});
