import { defineAgent } from "@neonhub/core";
import { z } from "zod";
import { decideBudgetAction } from "./budget-decision.js";
import type { RunConnectors } from "./run-connectors.js";

const spendReport = z.object({ costMicros: z.number() });
const balanceTransactions = z.object({ data: z.array(z.object({ amount: z.number(), type: z.string() })) });

/** Budget guard: compares a campaign's ad spend with the payments it brought in, and pauses it when it does not pay. */
export function createBudgetGuard(connectors: RunConnectors) {
  return defineAgent({
    name: "budget-guard",
    version: "1.0.0",
    description: "Reads a Google Ads campaign's spend and Stripe payments over a period and pauses the campaign when it overspends or does not pay back.",
    kind: "ads",
    input: z.object({
      customerId: z.string().regex(/^\d{10}$/, "must be a 10-digit Google Ads customer id"),
      campaignId: z.string().regex(/^\d+$/),
      startDate: z.iso.date(),
      endDate: z.iso.date(),
      budget: z.number().positive(),
      maxSpendRatio: z.number().positive().default(1.1),
      minReturnOnAdSpend: z.number().min(0).default(1),
      dryRun: z.boolean().default(false),
    }),
    output: z.object({
      action: z.enum(["pause", "keep"]),
      paused: z.boolean(),
      reasons: z.array(z.string()),
      spend: z.number(),
      revenue: z.number(),
      returnOnAdSpend: z.number().nullable(),
    }),
    handle: async (input, context) => {
      const tools = connectors.forRun(context);
      const spend = spendReport.parse(
        await tools.invoke("google-ads", "campaignSpend", { customerId: input.customerId, campaignId: input.campaignId, startDate: input.startDate, endDate: input.endDate }),
      );
      const payments = balanceTransactions.parse(
        await tools.invoke("stripe", "listBalanceTransactions", {
          type: "charge",
          createdGte: Math.floor(Date.parse(`${input.startDate}T00:00:00Z`) / 1000),
          createdLt: Math.floor(Date.parse(`${input.endDate}T00:00:00Z`) / 1000) + 86_400,
          limit: 100,
        }),
      );
      const facts = {
        spend: spend.costMicros / 1_000_000,
        budget: input.budget,
        // Stripe amounts are in the smallest currency unit.
        revenue: payments.data.filter((transaction) => transaction.type === "charge").reduce((total, transaction) => total + transaction.amount, 0) / 100,
      };
      const decision = decideBudgetAction(facts, { maxSpendRatio: input.maxSpendRatio, minReturnOnAdSpend: input.minReturnOnAdSpend });
      const paused = decision.action === "pause" && !input.dryRun;
      if (paused) await tools.invoke("google-ads", "pauseCampaign", { customerId: input.customerId, campaignId: input.campaignId });
      return { action: decision.action, paused, reasons: decision.reasons, spend: facts.spend, revenue: facts.revenue, returnOnAdSpend: decision.returnOnAdSpend };
    },
  });
}
