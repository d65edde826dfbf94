import type { SqlSession } from "../database/sql-session.js";

// Each query lists one kind of object of schema $1 as comparable text lines. Definitions are read with the
// search path set to that schema, so they do not name it.
const CATALOG_QUERIES = [
  `SELECT 'enum ' || t.typname || ' (' || string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) || ')' AS line
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = $1 GROUP BY t.typname`,
  `SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) ||
          CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END ||
          COALESCE(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') AS line
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = $1 AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> '_prisma_migrations'`,
  // Indexes whose operator class comes from an extension are left out: migrations create them only where the server
  // offers the extension (the trigram index of intent search), and schema.prisma cannot declare an optional index.
  `SELECT 'index ' || i.relname || ': ' || pg_get_indexdef(i.oid) AS line
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
    WHERE n.nspname = $1 AND i.relname NOT LIKE '\\_prisma\\_migrations%'
      AND NOT EXISTS (SELECT 1 FROM unnest(x.indclass::oid[]) AS opclass(oid) JOIN pg_depend d
                       ON d.classid = 'pg_opclass'::regclass AND d.objid = opclass.oid AND d.deptype = 'e')`,
  `SELECT 'constraint ' || c.relname || '.' || k.conname || ': ' || pg_get_constraintdef(k.oid) AS line
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 AND c.relname <> '_prisma_migrations'`,
];

/** Every enum, column, index (but those of an extension's operator class) and constraint of a schema, one sorted line each. */
export async function snapshotCatalog(session: SqlSession, schemaName: string): Promise<string[]> {
  await session.query(`SELECT set_config('search_path', $1, false)`, [`"${schemaName}"`]);
  const lines: string[] = [];
  for (const query of CATALOG_QUERIES) {
    const rows = await session.query<{ line: string }>(query, [schemaName]);
    lines.push(...rows.map((row) => row.line.replaceAll(`"${schemaName}".`, "").replaceAll(`${schemaName}.`, "")));
  }
  return lines.sort();
}
