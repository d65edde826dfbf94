import pg from "pg";
import { openNeonhubDatabase } from "../database/open-neonhub-database.js";
import { createScratchDatabase, type ScratchDatabase } from "./scratch-database.js";

/** A node of `EXPLAIN (FORMAT JSON)`, with the fields the plan tests read. */
export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Sort Key"?: string[];
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

/**
 * How each nested loop of a plan that locks rows on its inner side orders the rows it locks for: the sort keys of
 * its outer side ("Sort request.\"runId\""), or that side's node type when it is not sorted.
 */
export function lockingLoopOrders(node: PlanNode): string[] {
  const locks = (each: PlanNode): boolean => each["Node Type"] === "LockRows" || (each.Plans ?? []).some(locks);
  const [outer, inner] = node.Plans ?? [];
  const own = node["Node Type"] === "Nested Loop" && outer && inner && locks(inner)
    ? [outer["Node Type"] === "Sort" ? `Sort ${(outer["Sort Key"] ?? []).join(", ")}` : outer["Node Type"]]
    : [];
  return [...own, ...(node.Plans ?? []).flatMap(lockingLoopOrders)];
}
