#!/usr/bin/env node
// `pnpm check:packages` (after `pnpm build`): packs every published package as `pnpm publish` would and checks each
// tarball with publint (strict), Are the Types Wrong (node16 profile: the packages need Node 20.19, so TypeScript's
// legacy node10 resolution, which ignores `exports`, does not apply) and our own manifest check.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkPackedPackage } from "./release/check-packed-package.mjs";
import { packPackages } from "./release/pack-packages.mjs";
import { readPackageFiles } from "./release/read-package-files.mjs";
import { repositoryRoot } from "./release/workspace-packages.mjs";

const bin = (name) => join(repositoryRoot, "node_modules", ".bin", name);

const folder = mkdtempSync(join(tmpdir(), "neonhub-check-packages-"));
let failures = 0;
try {
  for (const packed of packPackages(folder)) {
    console.log(`\n== ${packed.name}`);
    const checks = [
      ["publint", bin("publint"), ["run", packed.tarball, "--strict"]],
      ["attw", bin("attw"), [packed.tarball, "--profile", "node16", "--format", "table-flipped"]],
    ];
    for (const [label, command, args] of checks) {
      const result = spawnSync(command, args, { encoding: "utf8" });
      const output = `${result.stdout}${result.stderr}`.trim();
      if (result.status === 0) console.log(`${label}: ok`);
      else {
        failures += 1;
        console.log(`${label}: FAILED\n${output}`);
      }
    }
    const problems = checkPackedPackage(packed.manifest, readPackageFiles(packed.unpacked));
    if (problems.length === 0) console.log("manifest: ok");
    else {
      failures += problems.length;
      console.log(`manifest: FAILED\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    }
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
if (failures > 0) {
  console.error(`\n${failures} packaging problem(s).`);
  process.exit(1);
}
console.log("\nEvery package passes publint, attw and the manifest check.");
