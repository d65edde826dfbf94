import { defineAgent, HandlerFailedError } from "@neonhub/core";
import { z } from "zod";
import { decideBudgetAction } from "./budget-decision.js";
import type { RunConnectors } from "./run-connectors.js";

const spendReport = z.object({ campaigns: z.array(z.object({ id: z.string(), name: z.string(), status: z.string(), costMicros: z.number() })) });
const balanceTransactions = z.object({ transactions: z.array(z.object({ amount: z.number(), type: z.string() })) });

const DATE_RANGES = ["LAST_7_DAYS", "LAST_14_DAYS", "LAST_30_DAYS", "THIS_MONTH", "LAST_MONTH"] as const;

/** Budget guard: compares a campaign's ad spend with the payments it brought in, and pauses it when it does not pay. */
export function createBudgetGuard(connectors: RunConnectors) {
  return defineAgent({
    name: "budget-guard",
    version: "1.0.0",
    description:
      "Reads Google Ads campaign spend and Stripe payments, and pauses the campaign (the given one, or the biggest spender) when it overspends its budget or does not pay back.",
    kind: "ads",
    queue: "budget.execute",
    input: z.object({
      customerId: z.string().regex(/^\d{3}-?\d{3}-?\d{4}$/, "must be a 10-digit Google Ads customer id"),
      campaignId: z.string().regex(/^\d+$/).optional(),
      dateRange: z.enum(DATE_RANGES).default("LAST_7_DAYS"),
      /** Budget of the campaign over the date range, in the account currency. */
      budget: z.number().positive(),
      /** Payments counted from this day on (ISO date); all recent ones when absent. */
      revenueSince: z.iso.date().optional(),
      maxSpendRatio: z.number().positive().default(1.1),
      minReturnOnAdSpend: z.number().min(0).default(1),
      dryRun: z.boolean().default(false),
    }),
    output: z.object({
      campaign: z.object({ id: z.string(), name: z.string() }),
      action: z.enum(["pause", "keep"]),
      paused: z.boolean(),
      reasons: z.array(z.string()),
      spend: z.number(),
      revenue: z.number(),
      returnOnAdSpend: z.number().nullable(),
    }),
    handle: async (input, context) => {
      const tools = connectors.forRun(context);
      const customerId = input.customerId.replaceAll("-", "");
      const report = spendReport.parse(await tools.invoke("google-ads", "campaignSpend", { customerId, dateRange: input.dateRange }));
      const campaign = input.campaignId
        ? report.campaigns.find((candidate) => candidate.id === input.campaignId)
        : [...report.campaigns].sort((left, right) => right.costMicros - left.costMicros)[0];
      if (!campaign) throw new HandlerFailedError(`Campaign ${input.campaignId ?? "(any)"} has no spend in ${input.dateRange} for customer ${customerId}.`);
      const payments = balanceTransactions.parse(
        await tools.invoke("stripe", "listBalanceTransactions", {
          type: "charge",
          limit: 100,
          ...(input.revenueSince === undefined ? {} : { createdFrom: Math.floor(Date.parse(`${input.revenueSince}T00:00:00Z`) / 1000) }),
        }),
      );
      const facts = {
        spend: campaign.costMicros / 1_000_000,
        budget: input.budget,
        // Stripe amounts are in the smallest currency unit.
        revenue: payments.transactions.filter((transaction) => transaction.type === "charge").reduce((total, transaction) => total + transaction.amount, 0) / 100,
      };
      const decision = decideBudgetAction(facts, { maxSpendRatio: input.maxSpendRatio, minReturnOnAdSpend: input.minReturnOnAdSpend });
      const paused = decision.action === "pause" && !input.dryRun && campaign.status !== "PAUSED";
      if (paused) await tools.invoke("google-ads", "pauseCampaign", { customerId, campaignId: campaign.id });
      context.reportMetric("ad_spend", facts.spend, "currency");
      return {
        campaign: { id: campaign.id, name: campaign.name },
        action: decision.action,
        paused,
        reasons: decision.reasons,
        spend: facts.spend,
        revenue: facts.revenue,
        returnOnAdSpend: decision.returnOnAdSpend,
      };
    },
  });
}
