import { DBOS } from "@dbos-inc/dbos-sdk";
import { increment } from "./step-agents.js";

/**
 * The three-step workflow on DBOS Transact, in the shape of its documentation: a registered workflow whose steps
 * run through `DBOS.runStep`, each returning at once. Registered before `DBOS.launch`.
 */
export const threeStepWorkflow = DBOS.registerWorkflow(
  async (n: number): Promise<number> => {
    let value = n;
    value = await DBOS.runStep(() => increment(value), { name: "step-0" });
    value = await DBOS.runStep(() => increment(value), { name: "step-1" });
    value = await DBOS.runStep(() => increment(value), { name: "step-2" });
    return value;
  },
  { name: "threeSteps" },
);

/** Starts DBOS on its own system database (same pool size as the run store's); returns a function that stops it. */
export async function launchDbos(systemDatabaseUrl: string, poolSize: number): Promise<() => Promise<void>> {
  DBOS.setConfig({ name: "neonhub-durable-bench", systemDatabaseUrl, systemDatabasePoolSize: poolSize, logLevel: "error" });
  await DBOS.launch();
  return () => DBOS.shutdown();
}
