import type { FieldError } from "@neonhub/core";

/** Where a request carries its fields; a field error's path starts with one of them. */
const REQUEST_LOCATIONS = ["body", "querystring", "params", "headers"] as const;

/** The schemas a route declares, as Fastify keeps them. */
export interface RouteSchemas {
  body?: unknown;
  querystring?: unknown;
}

const fieldNames = (schema: unknown): ReadonlySet<string> => {
  const shape = typeof schema === "object" && schema !== null ? (schema as { shape?: unknown }).shape : undefined;
  return new Set(typeof shape === "object" && shape !== null ? Object.keys(shape) : []);
};

/**
 * Names each field error by where the request carries the field, as schema validation does: core and the host's
 * services name a request's fields on their own (`input.text`, `cron`, `cursor`), and a client should read
 * `body.input.text` whichever layer refused it. A path whose first segment is no field of the route's body or
 * query (the caller's ids, say) is left as it is.
 */
export function locateFieldErrors(fieldErrors: readonly FieldError[], schemas: RouteSchemas | undefined): FieldError[] {
  const body = fieldNames(schemas?.body);
  const querystring = fieldNames(schemas?.querystring);
  return fieldErrors.map((fieldError) => {
    const first = fieldError.path.split(".", 1)[0] ?? "";
    if ((REQUEST_LOCATIONS as readonly string[]).includes(first)) return fieldError;
    if (body.has(first)) return { ...fieldError, path: `body.${fieldError.path}` };
    if (querystring.has(first)) return { ...fieldError, path: `querystring.${fieldError.path}` };
    return fieldError;
  });
}
