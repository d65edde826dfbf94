import type { RouteOptions } from "fastify";
import { z } from "zod";

/** The query of a route that takes none. */
const noQuerySchema = z.object({}).strict();

/**
 * An `onRoute` hook that gives a route declaring no query schema one that allows no parameter, so a misspelt or
 * unsupported filter (`GET /v1/connections?status=ACTIVE`) is answered 400 naming it rather than ignored.
 */
export function refuseUnknownQuery(route: RouteOptions): void {
  const schema = route.schema ?? {};
  if (schema.querystring !== undefined) return;
  route.schema = { ...schema, querystring: noQuerySchema };
}
