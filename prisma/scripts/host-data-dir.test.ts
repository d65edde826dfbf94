import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadHostConfig } from "../../examples/host/src/config/host-config.js";
import { HOST_DATA_DIR, withHostDataDir } from "./host-data-dir.js";

const hostFolder = fileURLToPath(new URL("../../examples/host", import.meta.url));
const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Runs a root script as `pnpm db:...` does: with tsx, in the repository root. */
function runScript(script: string, argv: string[], environment: NodeJS.ProcessEnv): Promise<string> {
  const tsx = resolve(repositoryRoot, "node_modules/.bin/tsx");
  return new Promise((done) => {
    execFile(tsx, ["--tsconfig", "tsconfig.base.json", `prisma/scripts/${script}`, ...argv], { cwd: repositoryRoot, env: environment }, (_error, stdout, stderr) => done(`${stdout}${stderr}`));
  });
}

describe("the data folder of the root's database scripts", () => {
  it("is the embedded database the example host opens by default, from the folder it runs in", () => {
    expect(HOST_DATA_DIR).toBe(resolve(hostFolder, loadHostConfig({}).dataDir));
    expect(withHostDataDir({ PATH: "/bin" })).toEqual({ PATH: "/bin", NEONHUB_DATA_DIR: HOST_DATA_DIR });
    expect(withHostDataDir({ NEONHUB_DATA_DIR: "" }).NEONHUB_DATA_DIR).toBe(HOST_DATA_DIR);
  });

  it("is the one NEONHUB_DATA_DIR names, when it names one", () => {
    expect(withHostDataDir({ NEONHUB_DATA_DIR: "/var/lib/neonhub" })).toEqual({ NEONHUB_DATA_DIR: "/var/lib/neonhub" });
  });
});

describe("pnpm db:migrate --status without NEONHUB_DATA_DIR", () => {
  it("reports on the example host's embedded database, not on one in the repository root", async () => {
    const { DATABASE_URL: _url, NEONHUB_DATA_DIR: _dataDir, ...environment } = process.env;
    // Whether the host's database exists or not, the line names the folder; --status creates none.
    expect(await runScript("migrate.ts", ["--status"], environment)).toContain(`embedded database in ${HOST_DATA_DIR}: `);
  }, 60_000);
});
