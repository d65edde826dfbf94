import type { NeonhubError } from "@neonhub/core";
import { z } from "zod";
import { mapHttpError } from "../http/map-http-error.js";
import type { HttpResponse } from "../http/http-types.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { nextLinkParameter, pageCursor, pageSchema } from "../sdk/page.js";

/** The Admin REST API version in request paths; Shopify supports each quarterly version for a year. */
export const SHOPIFY_API_VERSION = "2026-10";

/** Shopify's `errors` field (a string, or field names to messages) as a message the default mapping can use. */
function errorsText(errors: unknown): string | undefined {
  if (typeof errors === "string") return errors;
  if (typeof errors !== "object" || errors === null) return undefined;
  const [field, messages] = Object.entries(errors)[0] ?? [];
  if (field === undefined) return undefined;
  return `${field} ${Array.isArray(messages) ? messages.join(", ") : String(messages)}`;
}

/** Shopify documents `Retry-After: 2.0`; the default mapping reads whole delay-seconds (RFC 9110), so it is rounded up. */
function wholeSecondsRetryAfter(headers: Record<string, string>): Record<string, string> {
  const value = headers["retry-after"]?.trim();
  return value !== undefined && /^\d+\.\d+$/.test(value) ? { ...headers, "retry-after": String(Math.ceil(Number(value))) } : headers;
}

/** Keeps the status mapping of every connector but reads Shopify's `{ errors }` body for the message and its decimal `Retry-After`. */
export function mapShopifyResponse(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined {
  if (response.status < 300) return undefined;
  const text = errorsText((response.body as { errors?: unknown } | null)?.errors);
  if (text === undefined && response.status !== 429) return undefined;
  const mapped = { status: response.status, headers: wholeSecondsRetryAfter(response.headers), body: text === undefined ? response.body : { message: text } };
  return mapHttpError(mapped, { connector: "shopify", displayName: "Shopify", action: context.action, nowMs: context.nowMs });
}

const order = z.object({ id: z.number().int(), name: z.string(), totalPrice: z.string(), currency: z.string(), createdAt: z.string() });
type ShopifyOrder = { id: number; name: string; total_price: string; currency: string; created_at: string };

/**
 * SHOPIFY: a store's orders (`GET /admin/api/{version}/orders.json`) with an Admin API access token. Each store has
 * its own host, so a connection sets `baseUrl` to `https://{shop}.myshopify.com`; the default host never resolves.
 */
export const shopifyConnector = defineConnector({
  id: "shopify",
  kind: "SHOPIFY",
  displayName: "Shopify",
  description: "Reads orders from a Shopify store.",
  baseUrl: "https://shop-not-configured.invalid",
  // Shopify releases a version each quarter and supports it for at least twelve months.
  apiVersion: { version: SHOPIFY_API_VERSION, sunsetAt: "2027-10-01", docsUrl: "https://shopify.dev/docs/api/usage/versioning" },
  auth: { type: "api_key", in: "header", name: "X-Shopify-Access-Token", field: "accessToken" },
  mapResponse: mapShopifyResponse,
  // The REST Admin API's bucket holds 40 requests per store and app and empties at 2 per second: stay at that rate.
  keyedPacing: { minTimeMs: 500, key: ({ organizationId }) => organizationId },
  connectionTest: { method: "GET", path: `/admin/api/${SHOPIFY_API_VERSION}/shop.json` },
  actions: {
    listOrders: defineAction({
      description: "Lists the store's orders, newest first, of any status unless one is given.",
      repeatSafety: "safe",
      endpoint: "GET /admin/api/{version}/orders.json",
      docsUrl: "https://shopify.dev/docs/api/admin-rest/latest/resources/order#get-orders",
      paging: { style: "link-header" },
      input: z.object({
        limit: z.number().int().min(1).max(250).default(50),
        status: z.enum(["open", "closed", "cancelled", "any"]).default("any"),
        createdAtMin: z.iso.datetime({ offset: true }).optional(),
        /** The `page_info` of a later page; the filters of the first page then apply. */
        cursor: pageCursor,
      }),
      output: pageSchema(order),
      async run(input, ctx) {
        const response = await ctx.http.request({
          method: "GET",
          path: `/admin/api/${SHOPIFY_API_VERSION}/orders.json`,
          // With page_info Shopify accepts only limit (and fields): the cursor carries the first page's filters.
          query: input.cursor === undefined ? { status: input.status, limit: input.limit, created_at_min: input.createdAtMin } : { limit: input.limit, page_info: input.cursor },
        });
        const orders = (response.body as { orders?: ShopifyOrder[] }).orders ?? [];
        return {
          items: orders.map((item) => ({ id: item.id, name: item.name, totalPrice: item.total_price, currency: item.currency, createdAt: item.created_at })),
          nextCursor: nextLinkParameter(response.headers.link, "page_info"),
        };
      },
      fixture: (input, mock) => {
        const first = mock.integer(1_001, 9_000);
        return {
          nextCursor: null,
          items: Array.from({ length: Math.min(input.limit, 3) }, (_, index) => ({
            id: 5_600_000_000_000 + mock.integer(0, 99_999_999),
            name: `#${first - index}`,
            totalPrice: (mock.integer(500, 50_000) / 100).toFixed(2),
            currency: "USD",
            createdAt: new Date(mock.now().getTime() - index * 3_600_000).toISOString(),
          })),
        };
      },
    }),
  },
});
