import { z } from "zod";

/** Bounds and default of an integer query parameter. */
export interface QueryIntegerBounds {
  min: number;
  max: number;
  default: number;
}

const PLAIN_DIGITS = /^[0-9]+$/;

/**
 * An integer query parameter written as plain decimal digits. `Number()` (and so `z.coerce.number()`) also reads
 * `0x10`, ` 16 `, `1e1`, `+16` and `16.0` as 16: a proxy, a cache or a log that compares the text would see another
 * value than the host, so anything but digits is refused. The OpenAPI document shows the integer with its bounds.
 */
export function queryIntegerSchema(bounds: QueryIntegerBounds) {
  // The default sits inside the preprocess, where the OpenAPI document reads it from.
  return z.preprocess((value, context) => {
    if (value === undefined) return value;
    if (typeof value === "string" && PLAIN_DIGITS.test(value)) return Number(value);
    context.addIssue({ code: "custom", message: "must be plain decimal digits", input: value });
    return z.NEVER;
  }, z.number().int().min(bounds.min).max(bounds.max).default(bounds.default));
}
