import { readFileSync } from "node:fs";
import { createConnectorClient } from "@neonhub/connectors";
import { runConnectorContractTests, startLiveHarness } from "@neonhub/connectors/testing";
import { describe, expect, it } from "vitest";
import { airtableConnector, airtablePlugin } from "./airtable-connector.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
const BASE = "appTestBase000001";

runConnectorContractTests(airtableConnector, {
  sampleInputs: {
    createRecord: { baseId: BASE, table: "Leads", fields: { Name: "Ada Lovelace" } },
    listRecords: { baseId: BASE, table: "Leads", filterByFormula: "{Status} = 'Lead'" },
  },
});

describe("airtable connector requests", () => {
  it("creates a record with the token, JSON fields and an encoded table name", async () => {
    const harness = await startLiveHarness({ connector: airtableConnector, credentials: { accessToken: "patAbc.123secret" }, handler: () => ({ status: 200, json: fixture("airtable-create-record.200.json") }) });
    try {
      const created = await harness.client.invoke(airtableConnector, "createRecord", { baseId: BASE, table: "Sales Leads", fields: { Name: "Ada Lovelace", Email: "ada@example.com", Status: "Lead" } });
      expect(created.id).toBe("rec560UJdUtocSouk");
      expect(harness.server.requests[0]).toMatchObject({ method: "POST", path: `/v0/${BASE}/Sales%20Leads`, headers: { authorization: "Bearer patAbc.123secret" } });
      expect(harness.server.requests[0]?.json).toEqual({ fields: { Name: "Ada Lovelace", Email: "ada@example.com", Status: "Lead" }, typecast: false });
      harness.server.handle(() => ({ status: 422, json: fixture("airtable-invalid-request.422.json") }));
      await expect(harness.client.invoke(airtableConnector, "createRecord", { baseId: BASE, table: "Leads", fields: {} })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("parameter validation failed") });
    } finally {
      await harness.close();
    }
  });

  it("lists one page with the formula and returns the next offset", async () => {
    const harness = await startLiveHarness({ connector: airtableConnector, credentials: { accessToken: "patAbc.123secret" }, handler: () => ({ status: 200, json: fixture("airtable-list-records.200.json") }) });
    try {
      const page = await harness.client.invoke(airtableConnector, "listRecords", { baseId: BASE, table: "Leads", filterByFormula: "{Status} = 'Lead'", pageSize: 2 });
      expect(page.items.map((item) => item.fields.Name)).toEqual(["Ada Lovelace", "Grace Hopper"]);
      expect(page.nextCursor).toBe("itrKKkcdRdvIkEbOA/rec3lbPRG4aVqkeOQ");
      expect(harness.server.requests[0]?.query).toEqual({ filterByFormula: "{Status} = 'Lead'", pageSize: "2" });
    } finally {
      await harness.close();
    }
  });

  it("registers as a plugin next to the platform catalog", () => {
    const client = createConnectorClient({ mode: "mock", environment: {}, plugins: [airtablePlugin] });
    expect(client.catalog().at(-1)).toMatchObject({ id: "airtable", kind: "AIRTABLE", source: "@neonhub/example-connector-plugin-airtable", implemented: true, mode: "mock" });
  });
});
