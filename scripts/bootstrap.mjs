#!/usr/bin/env node
// The quick start needs only Node and npm: pnpm is taken from the npm registry through npx, at the version
// pinned in package.json, unless that version is already on the PATH.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const packageManager = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager;
const pnpmVersion = packageManager.replace(/^pnpm@/, "");
const [major] = process.versions.node.split(".").map(Number);

if (major < 20) {
  console.error(`Node ${process.versions.node} is too old: this project needs Node 20.19 or newer.`);
  process.exit(1);
}

const installedPnpm = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
const pnpmCommand = installedPnpm.status === 0 && installedPnpm.stdout.trim() === pnpmVersion ? ["pnpm"] : ["npx", "--yes", `pnpm@${pnpmVersion}`];

function pnpm(...args) {
  const [command, ...prefix] = pnpmCommand;
  const result = spawnSync(command, [...prefix, ...args], { cwd: root, stdio: "inherit", env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const tasks = {
  setup() {
    pnpm("install", "--frozen-lockfile");
    pnpm("run", "build");
  },
  start() {
    tasks.setup();
    pnpm("--filter", "@neonhub/example-host", "run", "start");
  },
  test() {
    pnpm("install", "--frozen-lockfile");
    pnpm("run", "test:all");
  },
};

const task = tasks[process.argv[2] ?? ""];
if (!task) {
  console.error(`Usage: node scripts/bootstrap.mjs ${Object.keys(tasks).join("|")}`);
  process.exit(2);
}
task();
