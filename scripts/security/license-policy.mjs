// Decides the license check: every production dependency's license (an SPDX expression) must be satisfiable with
// allowed licenses, or the package must be a named exception with a reason.

/** True when the SPDX expression can be met with allowed licenses: OR needs one side, AND (or "and") both. */
export function licenseAllowed(expression, allowed) {
  const text = String(expression ?? "").trim().replace(/^\((.*)\)$/, "$1");
  if (text === "") return false;
  const alternatives = text.split(/\s+OR\s+/i);
  if (alternatives.length > 1) return alternatives.some((part) => licenseAllowed(part, allowed));
  const required = text.split(/\s+AND\s+/i);
  if (required.length > 1) return required.every((part) => licenseAllowed(part, allowed));
  return allowed.has(text.replace(/^\(|\)$/g, "").trim());
}

/**
 * @param {Record<string, { name: string, versions: string[] }[]>} listing the JSON of `pnpm licenses list --prod --json`
 * @param {{ allowed: string[], exceptions?: { package: string, license: string, reason: string }[] }} policy
 * @returns {{ failures: string[], excepted: string[], packages: number }}
 */
export function evaluateLicenses(listing, policy) {
  const allowed = new Set(policy.allowed);
  const failures = [];
  const excepted = [];
  let packages = 0;
  for (const [license, entries] of Object.entries(listing)) {
    for (const entry of entries) {
      packages += 1;
      if (licenseAllowed(license, allowed)) continue;
      const exception = (policy.exceptions ?? []).find((candidate) => candidate.package === entry.name && candidate.license === license);
      const label = `${entry.name}@${(entry.versions ?? []).join(",")} is ${license}`;
      if (exception && typeof exception.reason === "string" && exception.reason.trim() !== "") excepted.push(`${label} (${exception.reason})`);
      else failures.push(label);
    }
  }
  return { failures, excepted, packages };
}
