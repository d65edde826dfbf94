import { defineAgent, HandlerFailedError } from "@neonhub/core";
import { z } from "zod";
import { decideBudgetAction } from "./budget-decision.js";
import { paginate, stripeConnector } from "@neonhub/connectors";
import type { RunConnectors } from "./run-connectors.js";


const DATE_RANGES = ["LAST_7_DAYS", "LAST_14_DAYS", "LAST_30_DAYS", "THIS_MONTH", "LAST_MONTH"] as const;

/** The signal a person answers a budget change with: `POST /v1/runs/{id}/signals/approval`. */
export const BUDGET_APPROVAL_SIGNAL = "approval";
const approvalAnswer = z.object({ approved: z.boolean(), note: z.string().max(1_000).optional() });
const approvalSchema = z.object({
  status: z.enum(["not_needed", "approved", "rejected", "timed_out"]),
  by: z.string().nullable(),
  at: z.string().nullable(),
  note: z.string().nullable(),
});
type Approval = z.infer<typeof approvalSchema>;

/** Budget guard: compares a campaign's ad spend with the payments it brought in, and pauses it when it does not pay. */
export function createBudgetGuard(connectors: RunConnectors) {
  return defineAgent({
    name: "budget-guard",
    version: "1.1.0",
    description:
      "Reads Google Ads campaign spend and Stripe payments, and pauses the campaign (the given one, or the biggest spender) when it overspends its budget or does not pay back. A pause of a campaign spending at least `approvalAbove` waits for a person's approval.",
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
      /** Spend from which a pause waits for a person's approval (signal `approval`). */
      approvalAbove: z.number().min(0).default(500),
      /** How long to wait for that approval before leaving the campaign as it is. */
      approvalTimeoutMs: z.number().int().min(1_000).max(30 * 24 * 3_600_000).default(24 * 3_600_000),
    }),
    output: z.object({
      campaign: z.object({ id: z.string(), name: z.string() }),
      action: z.enum(["pause", "keep"]),
      paused: z.boolean(),
      reasons: z.array(z.string()),
      approval: approvalSchema,
      spend: z.number(),
      revenue: z.number(),
      returnOnAdSpend: z.number().nullable(),
    }),
    handle: async (input, context) => {
      const tools = connectors.forRun(context);
      const customerId = input.customerId.replaceAll("-", "");
      const report = await tools.invoke("google-ads", "campaignSpend", { customerId, dateRange: input.dateRange });
      const campaign = input.campaignId
        ? report.campaigns.find((candidate) => candidate.id === input.campaignId)
        : [...report.campaigns].sort((left, right) => right.costMicros - left.costMicros)[0];
      if (!campaign) throw new HandlerFailedError(`Campaign ${input.campaignId ?? "(any)"} has no spend in ${input.dateRange} for customer ${customerId}.`);
      // Every charge of the period, page after page (each page a recorded step), up to a thousand.
      const payments = await paginate(
        tools,
        stripeConnector,
        "listBalanceTransactions",
        { type: "charge", limit: 100, ...(input.revenueSince === undefined ? {} : { createdFrom: Math.floor(Date.parse(`${input.revenueSince}T00:00:00Z`) / 1000) }) },
        { limit: 1_000 },
      );
      const facts = {
        spend: campaign.costMicros / 1_000_000,
        budget: input.budget,
        // Stripe amounts are in the smallest currency unit.
        revenue: payments.items.filter((transaction) => transaction.type === "charge").reduce((total, transaction) => total + transaction.amount, 0) / 100,
      };
      const decision = decideBudgetAction(facts, { maxSpendRatio: input.maxSpendRatio, minReturnOnAdSpend: input.minReturnOnAdSpend });
      const wouldPause = decision.action === "pause" && !input.dryRun && campaign.status !== "PAUSED";
      let approval: Approval = { status: "not_needed", by: null, at: null, note: null };
      if (wouldPause && facts.spend >= input.approvalAbove) {
        // A durable wait: the run is WAITING, holds no worker, and resumes here when a person answers.
        const answer = await context.waitForSignal<z.infer<typeof approvalAnswer>>(BUDGET_APPROVAL_SIGNAL, { timeoutMs: input.approvalTimeoutMs });
        if (!answer.received) approval = { status: "timed_out", by: null, at: null, note: null };
        else {
          const parsed = approvalAnswer.safeParse(answer.payload);
          const approved = parsed.success && parsed.data.approved;
          approval = { status: approved ? "approved" : "rejected", by: answer.sentBy, at: answer.sentAt, note: parsed.success ? (parsed.data.note ?? null) : "the answer was not { approved: boolean }" };
        }
      }
      const paused = wouldPause && (approval.status === "not_needed" || approval.status === "approved");
      if (paused) await tools.invoke("google-ads", "pauseCampaign", { customerId, campaignId: campaign.id });
      context.reportMetric("ad_spend", facts.spend, "currency");
      return {
        campaign: { id: campaign.id, name: campaign.name },
        action: decision.action,
        paused,
        reasons: decision.reasons,
        approval,
        spend: facts.spend,
        revenue: facts.revenue,
        returnOnAdSpend: decision.returnOnAdSpend,
      };
    },
  });
}
