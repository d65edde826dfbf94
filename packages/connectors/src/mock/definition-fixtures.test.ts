import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { createConnectorClient } from "../client/create-connector-client.js";
import { builtInConnectors } from "../connectors/built-in-connectors.js";
import type { ConnectorDefinition, MockContext } from "../sdk/connector-definition.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { defineMockFixture } from "./define-mock-fixture.js";
import type { MockFixture } from "./mock-fixture.js";

// A plugin connector the built-in map does not know: its fixtures are typed through its definition.
const recordsConnector = defineConnector({
  id: "records",
  kind: "RECORDS",
  displayName: "Records",
  baseUrl: "https://records.test",
  auth: { type: "none" },
  actions: {
    listRecords: defineAction({
      description: "Lists records",
      input: z.object({ table: z.string(), pageSize: z.number().int().default(10), filter: z.object({ field: z.string(), value: z.string() }).optional() }),
      output: z.object({ names: z.array(z.string()), total: z.number().int() }),
      repeatSafety: "safe",
      run: async () => ({ names: [], total: 0 }),
      fixture: () => ({ names: [], total: 0 }),
    }),
    deleteRecord: defineAction({
      description: "Deletes a record",
      input: z.object({ id: z.string() }),
      output: z.object({ deleted: z.boolean() }),
      repeatSafety: "safe",
      run: async () => ({ deleted: true }),
      fixture: () => ({ deleted: true }),
    }),
  },
});

const mockClient = (options: Parameters<typeof createConnectorClient>[0] = {}) =>
  createConnectorClient({ mode: "mock", environment: {}, retry: false, connectors: [...builtInConnectors, recordsConnector], ...options });

describe("fixtures of a connector named by its definition", () => {
  it("types match and output by the action's schemas and answers matching calls", async () => {
    const client = mockClient();
    client.mock.addFixture({
      connector: recordsConnector,
      action: "listRecords",
      match: { filter: { field: "stage" } },
      output: (input, context) => {
        // The validated input: pageSize is a number even when the caller left it out.
        expectTypeOf(input).toEqualTypeOf<{ table: string; pageSize: number; filter?: { field: string; value: string } | undefined }>();
        expectTypeOf(context).toEqualTypeOf<MockContext>();
        return { names: [`${input.table}:${input.filter?.value ?? ""}:${input.pageSize}`], total: 1 };
      },
    });
    client.mock.addFixture({ connector: recordsConnector, action: "deleteRecord", match: (input) => input.id.startsWith("rec"), output: { deleted: false } });
    expect(await client.invoke(recordsConnector, "listRecords", { table: "Leads", filter: { field: "stage", value: "won" } })).toEqual({ names: ["Leads:won:10"], total: 1 });
    expect(await client.invoke(recordsConnector, "listRecords", { table: "Leads" })).toEqual({ names: [], total: 0 });
    expect(await client.invoke(recordsConnector, "deleteRecord", { id: "rec1" })).toEqual({ deleted: false });
    expect(await client.invoke(recordsConnector, "deleteRecord", { id: "other" })).toEqual({ deleted: true });
    expect(client.mock.calls("records").map((call) => call.connector)).toEqual(["records", "records", "records", "records"]);
  });

  it("makes a misspelt action, a match field the input lacks and an output of the wrong shape type errors", () => {
    const client = mockClient();
    // @ts-expect-error: records has no listRecord action.
    expect(() => client.mock.addFixture({ connector: recordsConnector, action: "listRecord", output: { names: [], total: 0 } })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED", message: expect.stringContaining('has no action "listRecord"') }),
    );
    // @ts-expect-error: listRecords' input has no tableName.
    client.mock.addFixture({ connector: recordsConnector, action: "listRecords", match: { tableName: "Leads" } });
    // @ts-expect-error: a match field of the wrong type.
    client.mock.addFixture({ connector: recordsConnector, action: "listRecords", match: { pageSize: "10" } });
    // @ts-expect-error: total is a number.
    client.mock.addFixture({ connector: recordsConnector, action: "listRecords", output: { names: [], total: "0" } });
    // @ts-expect-error: an output function must answer the whole output.
    client.mock.addFixture({ connector: recordsConnector, action: "listRecords", output: (input) => ({ names: [input.table] }) });
    // @ts-expect-error: the output of another action of the same connector.
    client.mock.addFixture({ connector: recordsConnector, action: "listRecords", output: { deleted: true } });
    // @ts-expect-error: defineMockFixture checks the same.
    defineMockFixture({ connector: recordsConnector, action: "deleteRecord", output: { deleted: "yes" } });
  });

  it("defineMockFixture returns the fixture by the connector's id, typed, for mock.fixtures beside untyped ones", async () => {
    const fixture = defineMockFixture({ connector: recordsConnector, action: "listRecords", match: { table: "Leads" }, output: (input) => ({ names: [input.table], total: input.pageSize }) });
    expect(fixture.connector).toBe("records");
    expectTypeOf(fixture.action).toEqualTypeOf<"listRecords">();
    expectTypeOf(fixture).toExtend<MockFixture>();
    const client = mockClient({
      mock: {
        fixtures: [fixture, { connector: "records", action: "deleteRecord", output: { deleted: false } }],
      },
    });
    expect(await client.invoke(recordsConnector, "listRecords", { table: "Leads", pageSize: 3 })).toEqual({ names: ["Leads"], total: 3 });
    expect(await client.invoke(recordsConnector, "deleteRecord", { id: "rec1" })).toEqual({ deleted: false });
    client.mock.reset();
    expect(await client.invoke(recordsConnector, "listRecords", { table: "Leads" })).toEqual({ names: ["Leads"], total: 10 });
  });

  it("refuses a fixture of a connector the client does not register, whether added or given up front", () => {
    const client = mockClient({ connectors: builtInConnectors });
    expect(() => client.mock.addFixture({ connector: recordsConnector, action: "listRecords", output: { names: [], total: 0 } })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED", message: expect.stringContaining('Connector "records" is not registered') }),
    );
    expect(() => mockClient({ connectors: builtInConnectors, mock: { fixtures: [defineMockFixture({ connector: recordsConnector, action: "deleteRecord", output: { deleted: true } })] } })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
  });

  it("keeps the untyped form by id, checked at run time only", async () => {
    const client = mockClient();
    client.mock.addFixture({ connector: "records", action: "deleteRecord", output: (input) => {
      expectTypeOf(input).toEqualTypeOf<unknown>();
      return { deleted: false };
    } });
    expect(await client.invoke(recordsConnector, "deleteRecord", { id: "rec1" })).toEqual({ deleted: false });
    expect(() => client.mock.addFixture({ connector: "records", action: "dropTable", output: {} })).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    // A wrong output typed nowhere still fails when it answers.
    client.mock.addFixture({ connector: "records", action: "deleteRecord", output: { deleted: "yes" } });
    await expect(client.invoke(recordsConnector, "deleteRecord", { id: "rec1" })).rejects.toMatchObject({ code: "CONFIGURATION_INVALID" });
  });

  it("leaves a definition typed only as ConnectorDefinition untyped rather than refusing it", () => {
    const loose: ConnectorDefinition = recordsConnector;
    const fixture = defineMockFixture({ connector: loose, action: "deleteRecord", output: (input) => {
      expectTypeOf(input).toEqualTypeOf<unknown>();
      return { deleted: true };
    } });
    expect(fixture).toMatchObject({ connector: "records", action: "deleteRecord" });
  });

  it("reads calls and sets scenarios of a connector given by its definition, as by its id", async () => {
    const client = mockClient();
    await client.invoke(recordsConnector, "listRecords", { table: "Leads" });
    await client.invoke(recordsConnector, "deleteRecord", { id: "rec1" });
    expect(client.mock.calls(recordsConnector).map((call) => call.action)).toEqual(["listRecords", "deleteRecord"]);
    expect(client.mock.calls(recordsConnector, "deleteRecord")).toEqual(client.mock.calls("records", "deleteRecord"));
    expect(client.mock.calls(recordsConnector, "deleteRecord")).toHaveLength(1);
    // @ts-expect-error an action the definition lacks
    client.mock.calls(recordsConnector, "dropTable");

    client.mock.setScenario(recordsConnector, "server_error", { action: "deleteRecord", times: 1 });
    await expect(client.invoke(recordsConnector, "deleteRecord", { id: "rec2" })).rejects.toMatchObject({ code: "UPSTREAM_FAILED" });
    expect(await client.invoke(recordsConnector, "deleteRecord", { id: "rec2" })).toEqual({ deleted: true });
    client.mock.setScenario(recordsConnector, "server_error");
    await expect(client.invoke(recordsConnector, "listRecords", { table: "Leads" })).rejects.toMatchObject({ code: "UPSTREAM_FAILED" });
    client.mock.setScenario(recordsConnector, null);
    expect(await client.invoke(recordsConnector, "listRecords", { table: "Leads" })).toEqual({ names: [], total: 0 });
  });
});
