import type pg from "pg";
import type { SentStatement } from "./captured-statements.js";

/** What a plan read: its scans, the rows they read (returned and filtered out), and what the statement returned. */
export interface PlanFigures {
  query: string;
  scans: string;
  rowsRead: number;
  rowsReturned: number;
  milliseconds: number;
}

interface JsonPlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows": number;
  "Actual Loops": number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  Plans?: JsonPlanNode[];
}


/** The indexes a bitmap is built from (several under a BitmapOr or BitmapAnd). */
const indexesUnder = (node: JsonPlanNode): string[] => (node.Plans ?? []).flatMap((child) => [...(child["Index Name"] ? [child["Index Name"]] : []), ...indexesUnder(child)]);

/** The scans of a plan's tables, and the rows they read: the rows each passed on plus those its filter removed. */
function scansIn(node: JsonPlanNode): Array<{ scan: string; read: number }> {
  const bitmapIndex = node["Node Type"] === "Bitmap Heap Scan" ? indexesUnder(node).join(" + ") : undefined;
  const index = node["Index Name"] ?? bitmapIndex;
  const own = node["Relation Name"] && node["Node Type"].includes("Scan")
    ? [{
        scan: `${node["Node Type"]} ${index ?? node["Relation Name"]}`,
        read: (node["Actual Rows"] + (node["Rows Removed by Filter"] ?? 0) + (node["Rows Removed by Index Recheck"] ?? 0)) * node["Actual Loops"],
      }]
    : [];
  return [...own, ...(node.Plans ?? []).flatMap(scansIn)];
}

/** Explains a sent statement with ANALYZE in a transaction rolled back afterwards, so writes change nothing. */
export async function explainStatement(client: pg.Client, query: string, statement: SentStatement): Promise<PlanFigures> {
  await client.query("BEGIN");
  try {
    const { rows } = await client.query<{ "QUERY PLAN": Array<{ Plan: JsonPlanNode; "Execution Time": number }> }>(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.text}`,
      statement.values,
    );
    const [{ Plan: plan, "Execution Time": milliseconds }] = rows[0]!["QUERY PLAN"] as [{ Plan: JsonPlanNode; "Execution Time": number }];
    const scans = scansIn(plan);
    return {
      query,
      scans: scans.map((scan) => scan.scan).join(", "),
      rowsRead: scans.reduce((sum, scan) => sum + scan.read, 0),
      // A write without RETURNING passes no rows on: count those its input gave it.
      rowsReturned: plan["Node Type"] === "ModifyTable" && plan["Actual Rows"] === 0 ? (plan.Plans?.[0]?.["Actual Rows"] ?? 0) : plan["Actual Rows"] * plan["Actual Loops"],
      milliseconds,
    };
  } finally {
    await client.query("ROLLBACK");
  }
}

