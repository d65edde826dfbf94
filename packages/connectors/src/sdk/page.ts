import { z } from "zod";

/**
 * How a provider pages a list; whatever the style, a list action takes a `cursor` and answers one {@link Page}:
 * - `cursor`: the id of the last item (Stripe's `starting_after`);
 * - `link-header`: the `Link` header's `rel="next"` URL (Shopify's `page_info`);
 * - `page-token`: a token in the body (Google's `nextPageToken`);
 * - `offset`: a row number (Search Console's `startRow`), carried as a decimal string.
 */
export type PagingStyle = "cursor" | "link-header" | "page-token" | "offset";

/** Declares that an action lists one page at a time. */
export interface PagingSpec {
  style: PagingStyle;
}

/** One page of a list: its items and the cursor of the next page (null on the last page). */
export interface Page<Item> {
  items: Item[];
  nextCursor: string | null;
}

/** The input field of a list action that asks for a later page. */
export const pageCursor = z.string().min(1).optional();

/**
 * The output schema of a list action: `{ items, nextCursor }`, with `extra` fields the provider adds.
 * @example
 * output: pageSchema(order),
 */
export function pageSchema<Item extends z.ZodType, Extra extends z.ZodRawShape = Record<never, never>>(item: Item, extra?: Extra) {
  return z.object({ items: z.array(item), nextCursor: z.string().min(1).nullable(), ...(extra ?? ({} as Extra)) });
}

/**
 * The value of `parameter` in the `rel="next"` URL of a `Link` header (RFC 8288), or null when there is no next
 * page. Shopify: `<https://shop.myshopify.com/admin/api/2026-10/orders.json?limit=50&page_info=abc>; rel="next"`.
 */
export function nextLinkParameter(linkHeader: string | undefined, parameter: string): string | null {
  if (linkHeader === undefined) return null;
  for (const part of linkHeader.split(",")) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match === null || !/\brel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(match[2] ?? "")) continue;
    try {
      return new URL(match[1] ?? "", "https://link.invalid").searchParams.get(parameter);
    } catch {
      return null;
    }
  }
  return null;
}
