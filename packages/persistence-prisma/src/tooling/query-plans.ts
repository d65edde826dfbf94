import pg from "pg";
import { openNeonhubDatabase } from "../database/open-neonhub-database.js";
import { createScratchDatabase, type ScratchDatabase } from "./scratch-database.js";

/** A node of `EXPLAIN (FORMAT JSON)`, with the fields the plan tests read. */
export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/**
 * Every scan of `relation` in a plan, with the index it goes through: "Index Scan AgentRun_pkey", "Seq Scan",
 * "Bitmap Heap Scan AgentRun_pkey" for a bitmap built from that index.
 */
export function scansOf(node: PlanNode, relation: string): string[] {
  const index = node["Index Name"] ?? (node["Node Type"] === "Bitmap Heap Scan" ? node.Plans?.[0]?.["Index Name"] : undefined);
  const own = node["Relation Name"] === relation && node["Node Type"].endsWith("Scan") ? [`${node["Node Type"]}${index ? ` ${index}` : ""}`] : [];
  return [...own, ...(node.Plans ?? []).flatMap((child) => scansOf(child, relation))];
}

/** A scratch database with the schema migrated, and a plain `pg` client on it, for reading plans. */
export async function openPlanDatabase(serverUrl: string): Promise<{ scratch: ScratchDatabase; client: pg.Client; close(): Promise<void> }> {
  const scratch = await createScratchDatabase(serverUrl);
  const database = await openNeonhubDatabase({ url: scratch.url, applyMigrations: true });
  await database.close();
  const client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  return {
    scratch,
    client,
    async close() {
      await client.end();
      await scratch.drop();
    },
  };
}
