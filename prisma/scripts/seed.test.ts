import { PLATFORM_CATALOG } from "@neonhub/connectors";
import type { AgentSettingsStore, RunStore } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import type { RunConnectors } from "../../examples/host/src/agents/run-connectors.js";
import { createExampleAgents } from "../../examples/host/src/agents/example-agents.js";
import { ConnectorKind } from "../../packages/persistence-prisma/src/generated/prisma/enums.js";
import { SEED_AGENTS, SEED_CONNECTORS } from "../../packages/persistence-prisma/src/tooling/seed-data.js";

describe("what db:seed writes", () => {
  it("is every agent the example host serves, with the kind, version and description it declares", () => {
    // Building the agents calls neither connectors nor stores: they are only captured for the agents' runs.
    const agents = createExampleAgents({} as RunConnectors, { runs: {} as RunStore, settings: {} as AgentSettingsStore });
    expect(SEED_AGENTS).toEqual(agents.map((agent) => ({ name: agent.name, kind: agent.kind, version: agent.version, description: agent.description })));
  });

  it("is every platform connector kind of the catalog, and only those the Connector table can hold", () => {
    const seeded = SEED_CONNECTORS.map((connector) => connector.kind);
    expect(seeded).toEqual(Object.values(ConnectorKind));
    expect(PLATFORM_CATALOG.map((entry) => entry.kind).filter((kind) => kind !== "LLM")).toEqual(seeded);
  });
});
