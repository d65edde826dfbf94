// Decides the production dependency audit: high and critical advisories fail it unless the allowlist names the
// advisory with a reason and an expiry date that has not passed. Anything malformed in the allowlist fails it too.

const BLOCKING = new Set(["high", "critical"]);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * @param {unknown} allowlist the parsed allowlist file: `{ "advisories": [{ "advisory", "reason", "expires" }] }`
 * @returns {{ entries: { advisory: string, reason: string, expires: string }[], problems: string[] }}
 */
export function readAllowlist(allowlist) {
  const problems = [];
  const list = allowlist && typeof allowlist === "object" ? allowlist.advisories : undefined;
  if (!Array.isArray(list)) return { entries: [], problems: ['the allowlist must be { "advisories": [...] }'] };
  const entries = [];
  list.forEach((entry, index) => {
    const where = `allowlist entry ${index + 1}`;
    if (!entry || typeof entry.advisory !== "string" || entry.advisory.trim() === "") problems.push(`${where}: "advisory" (a GHSA id, CVE or npm advisory id) is missing`);
    else if (typeof entry.reason !== "string" || entry.reason.trim().length < 10) problems.push(`${where} (${entry.advisory}): "reason" must say why the advisory does not apply`);
    else if (typeof entry.expires !== "string" || !DATE.test(entry.expires) || Number.isNaN(Date.parse(entry.expires))) problems.push(`${where} (${entry.advisory}): "expires" must be a date, YYYY-MM-DD`);
    else entries.push({ advisory: entry.advisory.trim(), reason: entry.reason, expires: entry.expires });
  });
  return { entries, problems };
}

/** The identifiers an advisory of `pnpm audit --json` (npm audit v1 format) can be named by. */
export function advisoryIds(advisory) {
  return [String(advisory.id ?? ""), advisory.github_advisory_id, ...(advisory.cves ?? [])].filter(Boolean);
}

/**
 * @param {{ advisories?: Record<string, any> }} report the JSON of `pnpm audit --prod --json`
 * @param {unknown} allowlist the parsed allowlist file
 * @param {Date} today
 * @returns {{ failures: string[], allowed: string[], ignored: number }}
 */
export function evaluateAudit(report, allowlist, today) {
  const { entries, problems } = readAllowlist(allowlist);
  const failures = [...problems];
  const allowed = [];
  let ignored = 0;
  const day = today.toISOString().slice(0, 10);
  for (const advisory of Object.values(report.advisories ?? {})) {
    const severity = String(advisory.severity ?? "").toLowerCase();
    if (!BLOCKING.has(severity)) {
      ignored += 1;
      continue;
    }
    const ids = advisoryIds(advisory);
    const label = `${severity} ${ids[1] ?? ids[0]} in ${advisory.module_name}: ${advisory.title}`;
    const entry = entries.find((candidate) => ids.includes(candidate.advisory));
    if (!entry) failures.push(label);
    else if (entry.expires < day) failures.push(`${label} (its allowlist entry expired on ${entry.expires})`);
    else allowed.push(`${label} (allowed until ${entry.expires}: ${entry.reason})`);
  }
  return { failures, allowed, ignored };
}
