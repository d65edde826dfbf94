#!/usr/bin/env node
// `pnpm security:licenses`: the licenses of the production dependencies of the published packages (their
// dependencies and peers, as `pnpm licenses list --prod` resolves them) against security/license-policy.json.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { evaluateLicenses } from "./license-policy.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const policy = JSON.parse(readFileSync(join(root, "security", "license-policy.json"), "utf8"));
const result = spawnSync("pnpm", ["licenses", "list", "--prod", "--json", "--filter", "./packages/**"], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
if (result.status !== 0) {
  console.error(`pnpm licenses list failed: ${result.stderr || result.stdout}`);
  process.exit(2);
}
const { failures, excepted, packages } = evaluateLicenses(JSON.parse(result.stdout), policy);
for (const line of excepted) console.log(`exception: ${line}`);
console.log(`Checked the licenses of ${packages} production dependencies: ${failures.length} not allowed, ${excepted.length} excepted.`);
if (failures.length > 0) {
  for (const line of failures) console.error(`NOT ALLOWED: ${line}`);
  process.exit(1);
}
