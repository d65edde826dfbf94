import { ValidationError } from "@neonhub/core";
import type { FastifyRequest } from "fastify";

/**
 * A `preValidation` hook that refuses a query parameter given more than once (`?limit=5&limit=6`), naming it: a
 * proxy, a cache or a log may keep another of its values than the host would read, and the route's own schema would
 * only say that it expected a string.
 */
export async function refuseRepeatedQuery(request: FastifyRequest): Promise<void> {
  const query = request.query;
  if (typeof query !== "object" || query === null) return;
  const repeated = Object.keys(query).filter((name) => Array.isArray((query as Record<string, unknown>)[name]));
  if (repeated.length === 0) return;
  throw new ValidationError(
    `The querystring is invalid: ${repeated.join(", ")} ${repeated.length === 1 ? "is" : "are"} given more than once.`,
    repeated.map((name) => ({ path: `querystring.${name}`, message: "must be given once, not repeated" })),
  );
}
