import { createMockConnectorClient, defineMockFixture } from "@neonhub/connectors/testing";
import { describe, expect, expectTypeOf, it } from "vitest";
import { airtableConnector, airtablePlugin } from "./airtable-connector.js";

const BASE = "appTestBase000001";

// A consumer's test of code that uses the plugin: its fixtures are typed through airtableConnector.
describe("airtable fixtures in a consumer's mock-mode tests", () => {
  it("answers createRecord and listRecords from typed fixtures", async () => {
    const connectors = createMockConnectorClient({
      plugins: [airtablePlugin],
      mock: {
        strict: true,
        fixtures: [
          defineMockFixture({
            connector: airtableConnector,
            action: "listRecords",
            match: { table: "Leads", filterByFormula: "{Status} = 'Won'" },
            output: { items: [{ id: "recWON0000000001", createdTime: "2026-01-02T00:00:00.000Z", fields: { Name: "Ada" } }], nextCursor: null },
          }),
        ],
      },
    });
    connectors.mock.addFixture({
      connector: airtableConnector,
      action: "createRecord",
      match: (input) => input.table === "Leads",
      output: (input, mock) => {
        // Validated input: typecast is a boolean even when the caller left it out.
        expectTypeOf(input.typecast).toEqualTypeOf<boolean>();
        return { id: mock.id("rec", 14), createdTime: mock.now().toISOString(), fields: { ...input.fields, Typecast: input.typecast } };
      },
    });

    const created = await connectors.invoke(airtableConnector, "createRecord", { baseId: BASE, table: "Leads", fields: { Name: "Ada" } });
    expect(created).toMatchObject({ id: expect.stringMatching(/^rec[A-Za-z0-9]{14}$/), fields: { Name: "Ada", Typecast: false } });
    const page = await connectors.invoke(airtableConnector, "listRecords", { baseId: BASE, table: "Leads", filterByFormula: "{Status} = 'Won'" });
    expect(page.items.map((item) => item.fields.Name)).toEqual(["Ada"]);
    // Strict mode: an input no fixture matches fails instead of getting the default fixture.
    await expect(connectors.invoke(airtableConnector, "createRecord", { baseId: BASE, table: "Other", fields: {} })).rejects.toMatchObject({ code: "CONFIGURATION_INVALID" });
  });

  it("makes a misspelt action, a wrong match field or a wrong output a type error", () => {
    const connectors = createMockConnectorClient({ plugins: [airtablePlugin] });
    // @ts-expect-error: Airtable's action is createRecord.
    expect(() => connectors.mock.addFixture({ connector: airtableConnector, action: "createRecords", output: { id: "rec1", createdTime: "", fields: {} } })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    // @ts-expect-error: createRecord's input names the table `table`, not `tableName`.
    connectors.mock.addFixture({ connector: airtableConnector, action: "createRecord", match: { tableName: "Leads" } });
    // @ts-expect-error: listRecords answers a page ({ items, nextCursor }), not a record.
    defineMockFixture({ connector: airtableConnector, action: "listRecords", output: { id: "rec1", createdTime: "", fields: {} } });
  });
});
