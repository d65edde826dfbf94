import { type NeonhubError, UpstreamFailedError } from "@neonhub/core";
import { z } from "zod";
import { providerMessage } from "../http/map-http-error.js";
import type { HttpResponse } from "../http/http-types.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { pageSchema } from "../sdk/page.js";

const DISPLAY_NAME = "Stripe";

/**
 * Stripe says with `Stripe-Should-Retry` whether repeating a failed request can help, which its status alone does
 * not: `false` makes a 5xx final, `true` makes a 409 (a conflict with another request on the same object)
 * retryable. Without the header, or on other statuses, the status mapping stands.
 */
export function mapStripeResponse(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined {
  const header = response.headers["stripe-should-retry"];
  const retry = header === "true" && response.status === 409;
  const final = header === "false" && response.status >= 500;
  if (!retry && !final) return undefined;
  return new UpstreamFailedError(`${DISPLAY_NAME} ${context.action} failed with HTTP ${response.status}: ${providerMessage(response.body)}`, {
    isRetryable: retry,
    details: { connector: "stripe", action: context.action, status: response.status, stripeShouldRetry: retry },
  });
}

const transaction = z.object({
  id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  net: z.number().int(),
  fee: z.number().int(),
  type: z.string(),
  status: z.string(),
  created: z.number().int(),
  description: z.string().nullable(),
});

/** STRIPE: list balance transactions (`GET /v1/balance_transactions`, form-style parameters, secret key). */
export const stripeConnector = defineConnector({
  id: "stripe",
  kind: "STRIPE",
  displayName: DISPLAY_NAME,
  description: "Reads payments and fees from Stripe.",
  baseUrl: "https://api.stripe.com",
  apiVersion: { version: "v1", docsUrl: "https://docs.stripe.com/api/versioning" },
  auth: { type: "bearer", field: "apiKey" },
  // Stripe allows 100 read requests per second in live mode; 25 in test mode.
  rateLimit: { requests: 25, intervalMs: 1_000 },
  mapResponse: mapStripeResponse,
  connectionTest: { method: "GET", path: "/v1/balance" },
  actions: {
    listBalanceTransactions: defineAction({
      description: "Lists balance transactions, newest first, optionally from a time on and of one type.",
      repeatSafety: "safe",
      endpoint: "GET /v1/balance_transactions",
      docsUrl: "https://docs.stripe.com/api/balance_transactions/list",
      paging: { style: "cursor" },
      input: z.object({
        limit: z.number().int().min(1).max(100).default(10),
        createdFrom: z.number().int().positive().optional(),
        type: z.string().min(1).optional(),
        /** The id of the last transaction of the previous page (`starting_after`). */
        cursor: z.string().startsWith("txn_").optional(),
      }),
      output: pageSchema(transaction),
      async run(input, ctx) {
        const response = await ctx.http.request({
          method: "GET",
          path: "/v1/balance_transactions",
          query: { limit: input.limit, "created[gte]": input.createdFrom, type: input.type, starting_after: input.cursor },
        });
        const body = response.body as { data?: z.infer<typeof transaction>[]; has_more?: boolean };
        const items = (body.data ?? []).map((item) => ({
          id: item.id,
          amount: item.amount,
          currency: item.currency,
          net: item.net,
          fee: item.fee,
          type: item.type,
          status: item.status,
          created: item.created,
          description: item.description ?? null,
        }));
        return { items, nextCursor: body.has_more === true ? (items.at(-1)?.id ?? null) : null };
      },
      fixture: (input, mock) => ({
        items: Array.from({ length: Math.min(input.limit, 3) }, (_, index) => {
          const amount = mock.integer(500, 50_000);
          const fee = Math.round(amount * 0.029) + 30;
          return {
            id: `txn_${mock.id("", 24)}`,
            amount,
            currency: "usd",
            net: amount - fee,
            fee,
            type: input.type ?? "charge",
            status: "available",
            created: Math.floor(mock.now().getTime() / 1000) - index * 3_600,
            description: null,
          };
        }),
        nextCursor: null,
      }),
    }),
  },
});
