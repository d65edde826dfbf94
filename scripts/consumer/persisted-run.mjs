// A run persisted in an embedded PGlite database, read back after the database is closed and opened again.
import { createOrchestrator, defineAgent } from "@neonhub/core";
import { openNeonhubDatabase } from "@neonhub/persistence-prisma";
import { z } from "zod";

const dataDir = process.argv[2];
const greeter = defineAgent({
  name: "greeter",
  version: "1.0.0",
  description: "Greets",
  input: z.object({ name: z.string() }),
  output: z.object({ greeting: z.string() }),
  handle: async (input, ctx) => ({ greeting: await ctx.tool("format.greeting", input, async () => `Hello, ${input.name}`) }),
});
const context = { userId: "user-1", organizationId: "org-1" };

const first = await openNeonhubDatabase({ embedded: { dataDir } });
const run = await createOrchestrator({ agents: [greeter], store: first.runStore }).orchestrate({ agent: "greeter", input: { name: "Ada" }, context });
await first.close();

const second = await openNeonhubDatabase({ embedded: { dataDir } });
try {
  const stored = await createOrchestrator({ agents: [greeter], store: second.runStore }).getRun("org-1", run.id);
  if (stored?.status !== "COMPLETED" || stored.output?.greeting !== "Hello, Ada" || stored.toolExecutions.length !== 1) {
    throw new Error(`the persisted run did not read back: ${JSON.stringify(stored)}`);
  }
  console.log(`PGlite-persisted run: ok (${stored.id}, ${stored.toolExecutions.length} tool execution)`);
} finally {
  await second.close();
}
