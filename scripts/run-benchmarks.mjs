#!/usr/bin/env node
// Runs every package's benchmark one after the other (they measure throughput, so they must not compete for
// the CPU) and lists the result files they wrote under bench/results/. Benchmarks import the packages by name;
// TSX_TSCONFIG_PATH points tsx at the build configuration, whose lack of source paths makes those names resolve
// to the built packages, so what is measured is what ships (build first: `pnpm bench` does).
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const only = process.argv.slice(2);
const workspaces = ["packages", "examples", "bench"].flatMap((folder) =>
  readdirSync(join(root, folder), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, folder, entry.name)),
);

// Under `pnpm bench`, pnpm tells where it is; call the same one.
const execPath = process.env.npm_execpath ?? "";
const [pnpmCommand, ...pnpmPrefix] = execPath.includes("pnpm") ? [process.execPath, execPath] : ["pnpm"];

let failed = false;
for (const directory of workspaces) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8"));
  } catch {
    continue;
  }
  if (!manifest.scripts?.bench) continue;
  if (only.length > 0 && !only.some((name) => manifest.name.includes(name))) continue;
  console.log(`\n== ${manifest.name}: ${manifest.scripts.bench}`);
  const result = spawnSync(pnpmCommand, [...pnpmPrefix, "run", "bench"], {
    cwd: directory,
    stdio: "inherit",
    env: { ...process.env, TSX_TSCONFIG_PATH: join(root, "tsconfig.build.json") },
  });
  if (result.status !== 0) {
    console.error(`${manifest.name}: benchmark failed (exit ${result.status})`);
    failed = true;
  }
}

const results = join(root, "bench", "results");
console.log("\nResults:");
for (const file of readdirSync(results).filter((name) => name.endsWith(".json"))) console.log(`  bench/results/${file}`);
process.exit(failed ? 1 : 0);
