import { createManualClock } from "@neonhub/core/testing";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { builtInConnectors } from "../connectors/built-in-connectors.js";
import { googleAdsConnector } from "../connectors/google-ads-connector.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { checkApiVersions } from "./check-api-versions.js";

const connectorWith = (apiVersion: Parameters<typeof defineConnector>[0]["apiVersion"]) =>
  defineConnector({
    id: "acme",
    kind: "ACME",
    displayName: "Acme",
    baseUrl: "https://api.acme.test",
    auth: { type: "none" },
    ...(apiVersion === undefined ? {} : { apiVersion }),
    actions: { ping: defineAction({ description: "Pings", repeatSafety: "safe", input: z.object({}), output: z.object({}), run: async () => ({}), fixture: () => ({}) }) },
  });

describe("checkApiVersions", () => {
  it("reports deprecated versions, sunsets within 90 days and past sunsets on the clock's day", () => {
    const connectors = [
      connectorWith({ version: "v1", sunsetAt: "2027-06-01", docsUrl: "https://docs.acme.test/versions" }),
      { ...connectorWith({ version: "v2", deprecatedAt: "2026-11-01", docsUrl: "https://docs.acme.test/versions" }), id: "acme-deprecated" },
      { ...connectorWith({ version: "v3", sunsetAt: "2027-01-15", docsUrl: "https://docs.acme.test/versions" }), id: "acme-soon" },
      { ...connectorWith({ version: "v4", sunsetAt: "2026-10-07", docsUrl: "https://docs.acme.test/versions" }), id: "acme-gone" },
      { ...connectorWith(undefined), id: "acme-undeclared" },
    ];
    const clock = createManualClock(Date.UTC(2026, 11, 4, 12));
    expect(checkApiVersions(connectors, { clock }).map(({ connector, status, deprecated, daysUntilSunset }) => ({ connector, status, deprecated, daysUntilSunset }))).toEqual([
      { connector: "acme", status: "ok", deprecated: false, daysUntilSunset: 178 },
      { connector: "acme-deprecated", status: "deprecated", deprecated: true, daysUntilSunset: null },
      { connector: "acme-soon", status: "sunset_soon", deprecated: false, daysUntilSunset: 41 },
      { connector: "acme-gone", status: "sunset", deprecated: false, daysUntilSunset: -59 },
    ]);
    expect(checkApiVersions(connectors, { clock, warningDays: 30 })[2]).toMatchObject({ status: "ok" });
  });

  it("finds nothing to report in the built-in catalog today, and Google Ads' sunset once its day comes near", async () => {
    const clock = createManualClock(Date.UTC(2026, 11, 4));
    expect(checkApiVersions(builtInConnectors, { clock }).filter((entry) => entry.status !== "ok")).toEqual([]);
    expect(checkApiVersions(builtInConnectors, { clock })).toHaveLength(builtInConnectors.length);
    await clock.advance(Date.UTC(2027, 7, 10) - clock.now());
    expect(checkApiVersions([googleAdsConnector], { clock })).toEqual([
      { connector: "google-ads", version: "v26", status: "sunset_soon", deprecated: false, daysUntilSunset: 83, sunsetAt: "2027-11-01", docsUrl: "https://developers.google.com/google-ads/api/docs/sunset-dates" },
    ]);
  });
});
