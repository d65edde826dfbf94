import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { builtInConnectors } from "./built-in-connectors.js";

// The table of docs/connectors.md that users read; it must say what the definitions do.
const docs = readFileSync(new URL("../../../../docs/connectors.md", import.meta.url), "utf8");
const section = docs.slice(docs.indexOf("## Actions against their providers"), docs.indexOf("## Repeat safety and idempotency keys"));
const rows = new Map(
  section
    .split("\n")
    .filter((line) => /^\| `[a-z-]+\.[A-Za-z]+` \|/.test(line))
    .map((line) => {
      const [action, endpoint, version, link, safety, checked] = line.split(" | ").map((cell) => cell.replace(/^\| /, "").replace(/ \|$/, ""));
      return [action?.replaceAll("`", ""), { endpoint: endpoint?.replaceAll("`", ""), version, link, safety, checked }] as const;
    }),
);

describe("the connector docs table", () => {
  it("lists every built-in action with its endpoint, API version, documentation link and repeat safety", () => {
    const expected = builtInConnectors.flatMap((connector) =>
      Object.entries(connector.actions).map(([name, action]) => [
        `${connector.id}.${name}`,
        { endpoint: action.endpoint, version: connector.apiVersion?.version, link: `[reference](${action.docsUrl})`, safety: action.repeatSafety, checked: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
      ]),
    );
    expect([...rows.entries()]).toEqual(expected);
  });
});
