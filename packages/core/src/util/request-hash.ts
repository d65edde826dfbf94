import { createHash } from "node:crypto";

/** JSON with object keys sorted, so equal values always give equal text. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const keys = Object.keys(value).sort();
  return `{${keys
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${stableStringify((value as Record<string, unknown>)[key])}`)
    .join(",")}}`;
}

/** Fingerprint of what a request asks for, to tell an idempotent replay from a reused key. */
export function requestHash(agent: string, intent: string | null, input: unknown): string {
  return createHash("sha256").update(stableStringify({ agent, intent, input })).digest("base64url");
}
