import { z } from "zod";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { mapGoogleAdsResponse } from "./google-ads-failure.js";

/**
 * The Google Ads API major version in request paths. v26 was released on 2026-10-14; Google's published schedule
 * projects its sunset for November 2027 (each major version lives about a year). v22 was sunset on 2026-10-07.
 */
export const GOOGLE_ADS_API_VERSION = "v26";

const customerId = z
  .string()
  .transform((value) => value.replace(/-/g, ""))
  .pipe(z.string().regex(/^\d{10}$/, "Use the 10-digit customer id."));
const DATE_RANGES = ["TODAY", "YESTERDAY", "LAST_7_DAYS", "LAST_14_DAYS", "LAST_30_DAYS", "THIS_MONTH", "LAST_MONTH"] as const;

interface StreamRow {
  campaign?: { id?: string; name?: string; status?: string };
  metrics?: { costMicros?: string };
}

const campaign = z.object({ id: z.string(), name: z.string(), status: z.string(), costMicros: z.number().int().nonnegative() });

/**
 * GOOGLE_ADS: campaign spend through `googleAds:searchStream` and pausing a campaign through `campaigns:mutate`.
 * Needs an OAuth2 token plus the `developerToken` (and, for manager accounts, `loginCustomerId`) credentials.
 */
export const googleAdsConnector = defineConnector({
  id: "google-ads",
  kind: "GOOGLE_ADS",
  displayName: "Google Ads",
  description: "Reads campaign spend and pauses campaigns.",
  baseUrl: `https://googleads.googleapis.com/${GOOGLE_ADS_API_VERSION}`,
  apiVersion: { version: GOOGLE_ADS_API_VERSION, sunsetAt: "2027-11-01", docsUrl: "https://developers.google.com/google-ads/api/docs/sunset-dates" },
  auth: { type: "oauth2", tokenUrl: "https://oauth2.googleapis.com/token", credentialHeaders: { "developer-token": "developerToken", "login-customer-id": "loginCustomerId" } },
  mapResponse: mapGoogleAdsResponse,
  actions: {
    campaignSpend: defineAction({
      description: "Cost of every campaign over a date range, in micros of the account currency.",
      repeatSafety: "safe",
      endpoint: "POST /{version}/customers/{customerId}/googleAds:searchStream",
      docsUrl: "https://developers.google.com/google-ads/api/rest/reference/rest/v26/customers.googleAds/searchStream",
      input: z.object({ customerId, dateRange: z.enum(DATE_RANGES).default("LAST_7_DAYS") }),
      output: z.object({ campaigns: z.array(campaign), totalCostMicros: z.number().int().nonnegative() }),
      async run(input, ctx) {
        const response = await ctx.http.request({
          method: "POST",
          path: `/customers/${input.customerId}/googleAds:searchStream`,
          json: {
            query: `SELECT campaign.id, campaign.name, campaign.status, metrics.cost_micros FROM campaign WHERE segments.date DURING ${input.dateRange}`,
          },
        });
        // searchStream answers a JSON array of batches, each with its own results.
        const batches = (Array.isArray(response.body) ? response.body : []) as Array<{ results?: StreamRow[] }>;
        const campaigns = batches.flatMap((batch) => batch.results ?? []).map((row) => ({
          id: row.campaign?.id ?? "",
          name: row.campaign?.name ?? "",
          status: row.campaign?.status ?? "UNKNOWN",
          costMicros: Number(row.metrics?.costMicros ?? 0),
        }));
        return { campaigns, totalCostMicros: campaigns.reduce((total, item) => total + item.costMicros, 0) };
      },
      fixture: (_input, mock) => {
        const campaigns = ["Brand", "Search - Generic", "Retargeting"].map((name) => ({
          id: String(mock.integer(10_000_000_000, 99_999_999_999)),
          name,
          status: "ENABLED",
          costMicros: mock.integer(1_000, 900_000) * 10_000,
        }));
        return { campaigns, totalCostMicros: campaigns.reduce((total, item) => total + item.costMicros, 0) };
      },
    }),
    pauseCampaign: defineAction({
      description: "Sets a campaign's status to PAUSED.",
      repeatSafety: "safe",
      endpoint: "POST /{version}/customers/{customerId}/campaigns:mutate",
      docsUrl: "https://developers.google.com/google-ads/api/rest/reference/rest/v26/customers.campaigns/mutate",
      input: z.object({ customerId, campaignId: z.string().regex(/^\d+$/) }),
      output: z.object({ resourceName: z.string() }),
      async run(input, ctx) {
        const resourceName = `customers/${input.customerId}/campaigns/${input.campaignId}`;
        const response = await ctx.http.request({
          method: "POST",
          path: `/customers/${input.customerId}/campaigns:mutate`,
          json: { operations: [{ update: { resourceName, status: "PAUSED" }, updateMask: "status" }] },
        });
        const results = (response.body as { results?: Array<{ resourceName?: string }> }).results;
        return { resourceName: results?.[0]?.resourceName ?? resourceName };
      },
      fixture: (input) => ({ resourceName: `customers/${input.customerId}/campaigns/${input.campaignId}` }),
    }),
  },
});
