import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanGitHistory } from "./scan-secrets.mjs";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** A GitHub personal access token in GitHub's format, made up for this test. */
const fakeGithubToken = () => `ghp_${[...randomBytes(36)].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join("")}`;

function scratchRepository(): { path: string; commit(message: string, files: Record<string, string | null>): string } {
  const path = mkdtempSync(join(tmpdir(), "neonhub-secret-scan-test-"));
  const git = (...args: string[]) => execFileSync("git", ["-C", path, "-c", "user.name=Test", "-c", "user.email=test@example.invalid", ...args], { encoding: "utf8" }).trim();
  git("init", "-q", "-b", "main");
  return {
    path,
    commit(message, files) {
      for (const [file, content] of Object.entries(files)) {
        if (content === null) git("rm", "-q", file);
        else {
          mkdirSync(join(path, file, ".."), { recursive: true });
          writeFileSync(join(path, file), content);
          git("add", file);
        }
      }
      git("commit", "-q", "-m", message);
      return git("rev-parse", "HEAD");
    },
  };
}

describe("secret scan of the git history", () => {
  const repositories: string[] = [];
  afterAll(() => repositories.forEach((path) => rmSync(path, { recursive: true, force: true })));

  let planted: { commit: string; result: ReturnType<typeof scanGitHistory> };
  beforeAll(() => {
    const repository = scratchRepository();
    repositories.push(repository.path);
    repository.commit("readme", { "README.md": "# scratch\n" });
    const commit = repository.commit("configuration", { "config/.env": `GITHUB_TOKEN=${fakeGithubToken()}\n`, "src/slack.test.ts": 'const token = "xoxb-test";\n' });
    repository.commit("remove the token again", { "config/.env": null });
    planted = { commit, result: scanGitHistory(repository.path) };
  }, 60_000);

  it("reports a key planted in a dotfile and deleted in the next commit, with its path and commit", () => {
    expect(planted.result.commits).toBe(3);
    expect(planted.result.findings).toEqual([expect.objectContaining({ path: "config/.env", commit: planted.commit, line: 1, rule: "@secretlint/secretlint-rule-github" })]);
  });

  it("allows only the exact documented example, not a real token that begins like it", () => {
    const repository = scratchRepository();
    repositories.push(repository.path);
    const realLooking = `xoxb-17653672481-19874698323-${fakeGithubToken().slice(4, 28)}`;
    repository.commit("tokens", { "src/slack.ts": `export const documented = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";\nexport const real = "${realLooking}";\n` });
    expect(scanGitHistory(repository.path).findings).toEqual([expect.objectContaining({ path: "src/slack.ts", line: 2, rule: "@secretlint/secretlint-rule-slack" })]);
  }, 60_000);

  it("passes a history without secrets, the repository's allowed fake tokens included", () => {
    const repository = scratchRepository();
    repositories.push(repository.path);
    repository.commit("clean", { "src/index.ts": "export const answer = 42;\n", "src/slack.test.ts": "const token = \"xoxb-very-secret\";\nconst canary = \"xoxb-canary-7f3a9c2e51d04b86\";\n" });
    const result = scanGitHistory(repository.path);
    expect(result).toEqual({ commits: 1, blobs: 2, findings: [] });
  }, 60_000);
});
