import { describe, expect, it } from "vitest";
import { evaluateAudit, readAllowlist } from "./audit-policy.mjs";

const advisory = (id: number, severity: string, overrides: Record<string, unknown> = {}) => ({
  id,
  github_advisory_id: `GHSA-0000-0000-000${id}`,
  cves: [`CVE-2026-000${id}`],
  severity,
  module_name: `module-${id}`,
  title: `Problem ${id}`,
  ...overrides,
});
const report = { advisories: { 1: advisory(1, "critical"), 2: advisory(2, "high"), 3: advisory(3, "moderate"), 4: advisory(4, "low") }, metadata: {} };
const today = new Date("2026-12-04T12:00:00Z");
const entry = (id: string, expires: string) => ({ advisory: id, reason: "Only reachable through the CLI, which we never ship.", expires });

describe("audit policy", () => {
  it("fails on every high and critical advisory that no entry names, ignoring moderate and low", () => {
    expect(evaluateAudit(report, { advisories: [] }, today)).toEqual({
      failures: ["critical GHSA-0000-0000-0001 in module-1: Problem 1", "high GHSA-0000-0000-0002 in module-2: Problem 2"],
      allowed: [],
      ignored: 2,
    });
  });

  it("allows an advisory named by GHSA id, CVE or npm id until its expiry date, that day included", () => {
    const result = evaluateAudit(report, { advisories: [entry("GHSA-0000-0000-0001", "2026-12-04"), entry("CVE-2026-0002", "2027-01-31")] }, today);
    expect(result.failures).toEqual([]);
    expect(result.allowed).toEqual([
      "critical GHSA-0000-0000-0001 in module-1: Problem 1 (allowed until 2026-12-04: Only reachable through the CLI, which we never ship.)",
      "high GHSA-0000-0000-0002 in module-2: Problem 2 (allowed until 2027-01-31: Only reachable through the CLI, which we never ship.)",
    ]);
    expect(evaluateAudit({ advisories: { 2: advisory(2, "high") } }, { advisories: [entry("2", "2027-01-31")] }, today).failures).toEqual([]);
  });

  it("fails again once the entry has expired", () => {
    const result = evaluateAudit(report, { advisories: [entry("GHSA-0000-0000-0001", "2026-12-03"), entry("GHSA-0000-0000-0002", "2027-01-31")] }, today);
    expect(result.failures).toEqual(["critical GHSA-0000-0000-0001 in module-1: Problem 1 (its allowlist entry expired on 2026-12-03)"]);
  });

  it("refuses entries without an advisory, a reason or a real expiry date, and does not let them allow anything", () => {
    const { entries, problems } = readAllowlist({
      advisories: [{ reason: "x".repeat(20), expires: "2027-01-01" }, { advisory: "GHSA-0000-0000-0001", expires: "2027-01-01" }, { advisory: "GHSA-0000-0000-0002", reason: "Not reachable from our code.", expires: "next year" }],
    });
    expect(entries).toEqual([]);
    expect(problems).toEqual([
      'allowlist entry 1: "advisory" (a GHSA id, CVE or npm advisory id) is missing',
      'allowlist entry 2 (GHSA-0000-0000-0001): "reason" must say why the advisory does not apply',
      'allowlist entry 3 (GHSA-0000-0000-0002): "expires" must be a date, YYYY-MM-DD',
    ]);
    expect(evaluateAudit(report, { advisories: [{ advisory: "GHSA-0000-0000-0001", expires: "2027-01-01" }] }, today).failures).toHaveLength(3);
    expect(readAllowlist([]).problems).toEqual(['the allowlist must be { "advisories": [...] }']);
  });
});
