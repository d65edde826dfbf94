#!/usr/bin/env node
// `pnpm test:consumer` (after `pnpm build`): what a user meets after `npm install`. Packs every published package,
// checks each packed manifest, installs the tarballs with plain npm into a fresh project outside the workspace, then
// type-checks a consumer against the shipped .d.ts (ESM and CommonJS), imports and requires every entry, runs a
// mock-mode agent suite with the consumer's own vitest, persists a run in PGlite and reads it back, and runs the
// shipped neonhub-migrate bin. With `--sbom <file>` it also writes the CycloneDX SBOM of what the consumer installed
// for production (the packages and their dependency tree, without the consumer's dev tools).
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { checkPackedPackage } from "./release/check-packed-package.mjs";
import { packPackages } from "./release/pack-packages.mjs";
import { readPackageFiles } from "./release/read-package-files.mjs";
import { repositoryRoot } from "./release/workspace-packages.mjs";

const rootManifest = (await import(join(repositoryRoot, "package.json"), { with: { type: "json" } })).default;
const keep = process.argv.includes("--keep");
const sbomIndex = process.argv.indexOf("--sbom");
const sbomFile = sbomIndex === -1 ? undefined : resolve(process.argv[sbomIndex + 1] ?? "");
const work = mkdtempSync(join(tmpdir(), "neonhub-consumer-test-"));
const project = join(work, "project");
const started = Date.now();

function step(label, command, args, options = {}) {
  const begun = Date.now();
  process.stdout.write(`-- ${label} ... `);
  try {
    const output = execFileSync(command, args, { cwd: project, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "true" }, ...options });
    console.log(`ok (${((Date.now() - begun) / 1000).toFixed(1)} s)`);
    return output;
  } catch (error) {
    console.log("FAILED");
    console.error(`${error.stdout ?? ""}${error.stderr ?? ""}`.trim() || error.message);
    throw new Error(`consumer test failed at: ${label}`);
  }
}

try {
  const tarballs = join(work, "tarballs");
  mkdirSync(tarballs);
  const packed = packPackages(tarballs);
  const problems = packed.flatMap((entry) => checkPackedPackage(entry.manifest, readPackageFiles(entry.unpacked)).map((problem) => `${entry.name}: ${problem}`));
  if (problems.length > 0) throw new Error(`packed manifests:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  console.log(`-- packed and checked ${packed.map((entry) => entry.name).join(", ")}`);

  mkdirSync(project);
  const devVersion = (name) => rootManifest.devDependencies[name];
  const consumerManifest = {
    name: "neonhub-consumer",
    version: "1.0.0",
    private: true,
    type: "module",
    dependencies: { ...Object.fromEntries(packed.map((entry) => [entry.name, `file:${entry.tarball}`])), zod: "^4.1.5" },
    devDependencies: { vitest: devVersion("vitest"), typescript: devVersion("typescript"), "@types/node": devVersion("@types/node") },
  };
  writeFileSync(join(project, "package.json"), `${JSON.stringify(consumerManifest, null, 2)}\n`);
  step("npm install of the tarballs (plain npm, outside the workspace)", "npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"]);
  for (const file of readdirSync(join(repositoryRoot, "scripts", "consumer"))) cpSync(join(repositoryRoot, "scripts", "consumer", file), join(project, file));

  step("type-check against the shipped .d.ts (ESM and CommonJS)", join(project, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"]);
  step("import every entry (ESM)", process.execPath, ["esm.mjs"]);
  step("require every entry (CommonJS)", process.execPath, ["cjs.cjs"]);
  step("mock-mode agent suite with the consumer's vitest", join(project, "node_modules", ".bin", "vitest"), ["run"]);
  const dataDir = join(work, "data");
  step("a run persisted in PGlite and read back", process.execPath, ["persisted-run.mjs", dataDir]);
  const status = step("the shipped neonhub-migrate bin", join(project, "node_modules", ".bin", "neonhub-migrate"), ["--status", "--data-dir", dataDir]);
  if (!status.includes("up to date")) throw new Error(`neonhub-migrate --status said: ${status}`);
  if (sbomFile) {
    mkdirSync(dirname(sbomFile), { recursive: true });
    step("CycloneDX SBOM of the production install", join(repositoryRoot, "node_modules", ".bin", "cyclonedx-npm"), [
      "--omit",
      "dev",
      "--spec-version",
      "1.6",
      "--output-reproducible",
      "--validate",
      "--output-file",
      sbomFile,
    ]);
    const sbom = JSON.parse(readFileSync(sbomFile, "utf8"));
    const names = new Set((sbom.components ?? []).map((component) => (component.group ? `${component.group}/${component.name}` : component.name)));
    const missing = packed.map((entry) => entry.name).filter((name) => !names.has(name));
    if (sbom.bomFormat !== "CycloneDX" || missing.length > 0) throw new Error(`the SBOM lacks ${missing.join(", ") || "its CycloneDX format"}`);
    console.log(`-- SBOM: ${sbomFile} (CycloneDX ${sbom.specVersion}, ${sbom.components.length} components)`);
  }
  console.log(`Consumer test passed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
