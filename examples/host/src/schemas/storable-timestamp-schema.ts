import { isStorableDate } from "@neonhub/core";
import { z } from "zod";

/**
 * An ISO 8601 timestamp with offset that every store can hold: from `0001-01-01T00:00:00Z` to
 * `9999-12-31T23:59:59.999Z` once in UTC. The format alone lets `9999-12-31T23:59:59-01:00` (year 10000 in UTC) and
 * `0000-01-01T00:00:00Z` through.
 */
export const storableTimestampSchema = z.iso
  // abort: a text that is no timestamp is named once, not also as out of range.
  .datetime({ offset: true, abort: true })
  .refine((value) => isStorableDate(new Date(value)), { message: "must be a valid time from 0001-01-01 to 9999-12-31 (UTC)" });
