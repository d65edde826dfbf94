#!/usr/bin/env node
// `pnpm security:secrets [--repo <folder>]`: secret scanning of every file in every commit of the git history with
// secretlint and its recommended rule preset. Each distinct file version (blob) is scanned once, under its own path
// so that rules keyed on file names apply; findings name the path and the first commit that holds it.
// Exit code 0 clean, 1 secrets found, 2 the scan could not run.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SECRETLINT = join(repositoryRoot, "node_modules", ".bin", "secretlint");
const CONFIG = join(repositoryRoot, ".secretlintrc.json");
// Files above this size are lock files or data, never hand-written configuration; they are still scanned.
const MAX_BLOB_BYTES = 8 * 1024 * 1024;
const BATCH = 400;

const git = (repository, args, options = {}) => execFileSync("git", ["-C", repository, ...args], { maxBuffer: 1024 * 1024 * 1024, ...options });

/** Every distinct blob of every commit reachable from any ref: sha → { path, commit }. */
export function historyBlobs(repository) {
  const commits = git(repository, ["rev-list", "--all", "--reverse"], { encoding: "utf8" }).split("\n").filter(Boolean);
  const blobs = new Map();
  for (const commit of commits) {
    const listing = git(repository, ["ls-tree", "-r", "-z", "--full-tree", commit], { encoding: "utf8" });
    for (const line of listing.split("\0").filter(Boolean)) {
      const [meta, path] = line.split("\t");
      const [, type, sha] = meta.split(" ");
      if (type === "blob" && !blobs.has(sha)) blobs.set(sha, { path, commit });
    }
  }
  return { commits: commits.length, blobs };
}

/** Writes the blobs under `folder/<sha>/<path>` with one `git cat-file --batch`; returns file → blob sha. */
function writeBlobs(repository, blobs, folder) {
  const shas = [...blobs.keys()];
  const output = git(repository, ["cat-file", "--batch"], { input: `${shas.join("\n")}\n` });
  const files = new Map();
  let offset = 0;
  for (const sha of shas) {
    const headerEnd = output.indexOf(10, offset);
    const [, , size] = output.subarray(offset, headerEnd).toString("utf8").split(" ");
    const length = Number(size);
    const content = output.subarray(headerEnd + 1, headerEnd + 1 + length);
    offset = headerEnd + 1 + length + 1;
    if (length > MAX_BLOB_BYTES) console.warn(`note: ${blobs.get(sha).path} (${sha.slice(0, 8)}) is ${length} bytes`);
    const file = join(folder, sha, blobs.get(sha).path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    files.set(file, sha);
  }
  return files;
}

/**
 * Scans the whole history of `repository`.
 * @returns {{ commits: number, blobs: number, findings: { path: string, commit: string, line: number, rule: string, message: string }[] }}
 */
export function scanGitHistory(repository) {
  const { commits, blobs } = historyBlobs(repository);
  const folder = mkdtempSync(join(tmpdir(), "neonhub-secret-scan-"));
  try {
    const files = writeBlobs(repository, blobs, folder);
    const paths = [...files.keys()];
    const findings = [];
    for (let start = 0; start < paths.length; start += BATCH) {
      const batch = paths.slice(start, start + BATCH);
      const result = spawnSync(SECRETLINT, ["--secretlintrc", CONFIG, "--format", "json", "--no-glob", "--no-gitignore", "--no-color", ...batch], {
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
        cwd: folder,
      });
      if (result.status !== 0 && result.status !== 1) throw new Error(`secretlint failed (exit ${result.status}): ${result.stderr || result.stdout}`);
      for (const report of JSON.parse(result.stdout || "[]")) {
        const sha = files.get(resolve(folder, report.filePath));
        for (const message of report.messages) {
          const blob = blobs.get(sha) ?? { path: report.filePath, commit: "unknown" };
          findings.push({ path: blob.path, commit: blob.commit, line: message.loc?.start?.line ?? 0, rule: message.ruleId, message: message.message });
        }
      }
    }
    return { commits, blobs: blobs.size, findings };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const index = process.argv.indexOf("--repo");
  const repository = index === -1 ? repositoryRoot : resolve(process.argv[index + 1]);
  try {
    const { commits, blobs, findings } = scanGitHistory(repository);
    for (const finding of findings) console.log(`${finding.path}:${finding.line} (first in ${finding.commit.slice(0, 12)}) ${finding.rule}: ${finding.message}`);
    console.log(`Scanned ${blobs} file versions in ${commits} commits: ${findings.length === 0 ? "no secrets found" : `${findings.length} secret(s) found`}.`);
    process.exitCode = findings.length === 0 ? 0 : 1;
  } catch (error) {
    console.error(`The secret scan could not run: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 2;
  }
}
