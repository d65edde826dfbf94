import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createConnectorClient } from "../client/create-connector-client.js";
import type { MockScenarioName } from "./mock-types.js";

// The scenario tables users read: each row's first code must be what a safe action's call fails with, and a row
// that names an exception for unsafe actions must be right about it.
const tableOf = (path: string) => {
  const text = readFileSync(new URL(path, import.meta.url), "utf8");
  const table = text.slice(text.indexOf("| scenario |"));
  return table
    .slice(0, table.indexOf("\n\n"))
    .split("\n")
    .filter((line) => /^\| `[a-z_]+` \| /.test(line))
    .map((line) => {
      const [scenario, error] = line.split(" | ").map((cell) => cell.replace(/^\| /, "").replace(/ \|$/, ""));
      return { scenario: (scenario as string).replaceAll("`", "") as MockScenarioName, error: error as string };
    });
};

const client = () => createConnectorClient({ mode: "mock", retry: false, environment: {} });
const failureOf = (call: Promise<unknown>) => call.then(() => ({ code: "none" }), (error: { code: string }) => error);

describe.each(["../../README.md", "../../../../docs/testing-with-mocks.md"])("the mock scenario table of %s", (path) => {
  const rows = tableOf(path).filter((row) => row.scenario !== "ok");

  it("lists every fault scenario", () => {
    expect(rows.map((row) => row.scenario).sort()).toEqual(["auth_expired", "invalid_input", "rate_limited", "server_error", "timeout"]);
  });

  it.each(rows)("says what a call meets under $scenario", async ({ scenario, error }) => {
    const safe = await failureOf(client().invoke("stripe", "listBalanceTransactions", {}, { scenario }));
    expect(safe.code).toBe(/`([A-Z_]+)`/.exec(error)?.[1]);
    const unsafe = await failureOf(client().invoke("slack", "postMessage", { channel: "C1", text: "hi" }, { scenario }));
    expect(unsafe.code).toBe(error.includes("`unsafe`") ? "STEP_OUTCOME_UNKNOWN" : safe.code);
  });
});
