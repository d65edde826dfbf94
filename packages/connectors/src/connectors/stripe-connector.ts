import { z } from "zod";
import { defineAction, defineConnector } from "../sdk/define-connector.js";

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
  displayName: "Stripe",
  description: "Reads payments and fees from Stripe.",
  baseUrl: "https://api.stripe.com",
  auth: { type: "bearer", field: "apiKey" },
  // Stripe allows 100 read requests per second in live mode; 25 in test mode.
  rateLimit: { requests: 25, intervalMs: 1_000 },
  connectionTest: { method: "GET", path: "/v1/balance" },
  actions: {
    listBalanceTransactions: defineAction({
      description: "Lists balance transactions, newest first, optionally from a time on and of one type.",
      input: z.object({
        limit: z.number().int().min(1).max(100).default(10),
        createdFrom: z.number().int().positive().optional(),
        type: z.string().min(1).optional(),
        startingAfter: z.string().startsWith("txn_").optional(),
      }),
      output: z.object({ transactions: z.array(transaction), hasMore: z.boolean() }),
      async run(input, ctx) {
        const response = await ctx.http.request({
          method: "GET",
          path: "/v1/balance_transactions",
          query: { limit: input.limit, "created[gte]": input.createdFrom, type: input.type, starting_after: input.startingAfter },
        });
        const body = response.body as { data?: z.infer<typeof transaction>[]; has_more?: boolean };
        return {
          transactions: (body.data ?? []).map((item) => ({
            id: item.id,
            amount: item.amount,
            currency: item.currency,
            net: item.net,
            fee: item.fee,
            type: item.type,
            status: item.status,
            created: item.created,
            description: item.description ?? null,
          })),
          hasMore: body.has_more ?? false,
        };
      },
      fixture: (input, mock) => ({
        transactions: Array.from({ length: Math.min(input.limit, 3) }, (_, index) => {
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
        hasMore: false,
      }),
    }),
  },
});
