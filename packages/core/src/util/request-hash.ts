import { createHash } from "node:crypto";
import { ValidationError } from "../errors/errors.js";
import { STORABLE_VALUE_LIMITS } from "./storable-value.js";

/** Text written as it is, between the values of an array or object. */
class Literal {
  constructor(readonly text: string) {}
}

/**
 * JSON with object keys sorted, so equal values always give equal text. Written without recursion, and refusing
 * values nested deeper than `maxDepth` (which also stops on cycles), so that no input can overflow the stack.
 */
export function stableStringify(value: unknown, maxDepth: number = STORABLE_VALUE_LIMITS.maxDepth): string {
  const parts: string[] = [];
  const pending: Array<Literal | { value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop() as Literal | { value: unknown; depth: number };
    if (next instanceof Literal) {
      parts.push(next.text);
      continue;
    }
    const current = next.value;
    if (current === null || typeof current !== "object") {
      parts.push(JSON.stringify(current) ?? "null");
      continue;
    }
    if (current instanceof Date) {
      parts.push(JSON.stringify(current.toISOString()));
      continue;
    }
    const depth = next.depth + 1;
    if (depth > maxDepth) {
      throw new ValidationError(`The value nests objects and arrays more than ${maxDepth} deep.`, [{ path: "", message: "Nested too deep" }]);
    }
    if (Array.isArray(current)) {
      parts.push("[");
      pending.push(new Literal("]"));
      for (let index = current.length - 1; index >= 0; index -= 1) {
        pending.push({ value: current[index], depth });
        if (index > 0) pending.push(new Literal(","));
      }
      continue;
    }
    const record = current as Record<string, unknown>;
    const keys = Object.keys(record)
      .sort()
      .filter((key) => record[key] !== undefined);
    parts.push("{");
    pending.push(new Literal("}"));
    for (let index = keys.length - 1; index >= 0; index -= 1) {
      const key = keys[index] as string;
      pending.push({ value: record[key], depth });
      pending.push(new Literal(`${index > 0 ? "," : ""}${JSON.stringify(key)}:`));
    }
  }
  return parts.join("");
}

/** Fingerprint of what a request asks for, to tell an idempotent replay from a reused key. */
export function requestHash(agent: string, intent: string | null, input: unknown): string {
  // One level more than an input may have, for the object that wraps it here.
  return createHash("sha256")
    .update(stableStringify({ agent, intent, input }, STORABLE_VALUE_LIMITS.maxDepth + 1))
    .digest("base64url");
}
