import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { contractOptionProblems } from "./contract-option-problems.js";
import { runConnectorContractTests } from "./run-connector-contract-tests.js";

const recordsConnector = defineConnector({
  id: "records",
  kind: "RECORDS",
  displayName: "Records",
  baseUrl: "https://records.test",
  auth: { type: "none" },
  actions: {
    createRecord: defineAction({
      description: "Creates a record",
      input: z.object({ table: z.string() }),
      output: z.object({ id: z.string() }),
      repeatSafety: "unsafe",
      run: async () => ({ id: "rec1" }),
      fixture: () => ({ id: "rec1" }),
    }),
  },
});

describe("contract option problems", () => {
  it("names a sample input of an action the connector does not have, with the actions it has", () => {
    expect(contractOptionProblems("records", ["createRecord"], { sampleInputs: { createRecord: {}, listRecords: {} } })).toEqual([
      'sampleInputs.listRecords names no action of connector "records" (its actions: createRecord)',
    ]);
  });

  it("names an action without a sample input", () => {
    expect(contractOptionProblems("records", ["createRecord", "listRecords"], { sampleInputs: { createRecord: {} } })).toEqual([
      'sampleInputs has no input for action "listRecords" of connector "records"',
    ]);
  });

  it("names a misspelt key of the invalid inputs and the sample cursors, which would otherwise be ignored", () => {
    const problems = contractOptionProblems("records", ["listRecords"], { sampleInputs: { listRecords: {} }, invalidInputs: { listRecord: null }, sampleCursors: { listRecrods: "itr1" } });
    expect(problems).toEqual([
      'invalidInputs.listRecord names no action of connector "records" (its actions: listRecords)',
      'sampleCursors.listRecrods names no action of connector "records" (its actions: listRecords)',
    ]);
  });

  it("finds nothing wrong with one sample input per action", () => {
    expect(contractOptionProblems("records", ["createRecord"], { sampleInputs: { createRecord: {} }, invalidInputs: { createRecord: 1 } })).toEqual([]);
  });

  it("types the options' keys by the connector's action names", () => {
    // Never called: the checks are the compiler's, and calling would register suites.
    const typed = () => {
      // @ts-expect-error: listRecords is no action of the records connector.
      runConnectorContractTests(recordsConnector, { sampleInputs: { createRecord: {}, listRecords: {} } });
      // @ts-expect-error: createRecord needs a sample input.
      runConnectorContractTests(recordsConnector, { sampleInputs: {} });
      // @ts-expect-error: a misspelt action in the sample cursors.
      runConnectorContractTests(recordsConnector, { sampleInputs: { createRecord: {} }, sampleCursors: { createRecords: "c1" } });
      runConnectorContractTests(recordsConnector, { sampleInputs: { createRecord: { table: "Leads" } }, invalidInputs: { createRecord: {} } });
    };
    expect(typeof typed).toBe("function");
  });
});
