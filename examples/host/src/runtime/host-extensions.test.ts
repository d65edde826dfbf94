import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineAgent } from "@neonhub/core";
import { defineAction, defineConnector } from "@neonhub/connectors";
import { afterEach, expect, it } from "vitest";
import { z } from "zod";
import { loadHostConfig } from "../config/host-config.js";
import { createHostLogger } from "./create-logger.js";
import { openHostRuntime } from "./open-host-runtime.js";

const logger = createHostLogger({ logLevel: "silent" });

const leads = defineConnector({
  id: "acme-leads",
  kind: "ACME_LEADS",
  displayName: "Acme Leads",
  baseUrl: "https://api.acme-leads.test",
  auth: { type: "none" },
  actions: {
    createLead: defineAction({
      description: "Creates a lead",
      repeatSafety: "with-key",
      input: z.object({ name: z.string() }),
      output: z.object({ id: z.string() }),
      run: async () => ({ id: "live" }),
      fixture: (input) => ({ id: `lead-${input.name}` }),
    }),
  },
});

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

it("serves a plugin's agent beside the built-ins, its calls to the plugin's connector recorded as tool executions", async () => {
  const folder = mkdtempSync(join(tmpdir(), "neonhub-extensions-"));
  folders.push(folder);
  const config = loadHostConfig({ NEONHUB_DATA_DIR: join(folder, "data"), NEONHUB_SCHEDULER_INTERVAL_MS: "0" });
  const runtime = await openHostRuntime(config, logger, {
    connectors: [leads],
    agents: (connectors) => [
      defineAgent({
        name: "lead-sync",
        version: "1.0.0",
        description: "Copies a lead into Acme.",
        kind: "sync",
        input: z.object({ name: z.string() }),
        output: z.object({ id: z.string() }),
        // A plugin's connector is not in the built-ins' types: its output is checked by the agent's output schema.
        handle: async (input, context) => (await connectors.forRun(context).invoke("acme-leads", "createLead", { name: input.name }, { stepKey: "lead" })) as { id: string },
      }),
    ],
  });
  try {
    const names = (await runtime.orchestrator.listAgents()).map((agent) => agent.name);
    expect(names).toEqual(expect.arrayContaining(["lead-sync", "campaign-launcher"]));
    const run = await runtime.orchestrator.orchestrate({ agent: "lead-sync", input: { name: "ada" }, context: { organizationId: "org_ext", userId: "user_ext" } });
    expect(run).toMatchObject({ status: "COMPLETED", output: { id: "lead-ada" } });
    const shown = await runtime.orchestrator.getRun("org_ext", run.id);
    expect(shown?.toolExecutions.map((execution) => [execution.connector, execution.action, execution.status])).toEqual([["acme-leads", "createLead", "SUCCEEDED"]]);
  } finally {
    await runtime.orchestrator.drain({ deadlineMs: 0 });
    await runtime.close();
  }
}, 60_000);
