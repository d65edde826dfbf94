import pg from "pg";
import { createEmbeddedPglite } from "../database/embedded-extensions.js";
import { pgliteSessionSource, poolSessionSource, type SqlSession, type SqlSessionSource } from "../database/sql-session.js";
import { readMigrations } from "../migrations/read-migrations.js";
import { createScratchDatabase } from "./scratch-database.js";
import { snapshotCatalog } from "./catalog-snapshot.js";
import { renderSchemaSql } from "./render-schema-sql.js";

/** What {@link checkDrift} compares, and where. */
export interface DriftCheckOptions {
  schemaPath: string;
  migrationsDir: string;
  /** A PostgreSQL server on which a throwaway database may be created; an in-memory PGlite otherwise. */
  serverUrl?: string;
}

/** Lines of the catalog present on one side only; empty when schema and migrations agree. */
export interface DriftReport {
  onlyInSchema: string[];
  onlyInMigrations: string[];
}

/**
 * Builds the database twice in scratch schemas, once from `schema.prisma` and once from the committed migrations,
 * and compares their catalogs (enums, columns, defaults, indexes, constraints).
 */
export async function checkDrift(options: DriftCheckOptions): Promise<DriftReport> {
  const migrations = readMigrations(options.migrationsDir);
  if (!options.serverUrl) {
    const schemaSql = await renderSchemaSql(options.schemaPath, undefined);
    const database = await createEmbeddedPglite();
    try {
      return await compare(pgliteSessionSource(database), schemaSql, migrations.map((migration) => migration.script));
    } finally {
      await database.close();
    }
  }
  const scratch = await createScratchDatabase(options.serverUrl, "neonhub_drift");
  try {
    const schemaSql = await renderSchemaSql(options.schemaPath, scratch.url);
    const pool = new pg.Pool({ connectionString: scratch.url, max: 1 });
    try {
      return await compare(poolSessionSource(pool), schemaSql, migrations.map((migration) => migration.script));
    } finally {
      await pool.end();
    }
  } finally {
    await scratch.drop();
  }
}

async function compare(source: SqlSessionSource, schemaSql: string, migrationScripts: string[]): Promise<DriftReport> {
  return source.withSession(async (session) => {
    const fromSchema = await build(session, "drift_from_schema", [schemaSql]);
    const fromMigrations = await build(session, "drift_from_migrations", migrationScripts);
    return {
      onlyInSchema: fromSchema.filter((line) => !fromMigrations.includes(line)),
      onlyInMigrations: fromMigrations.filter((line) => !fromSchema.includes(line)),
    };
  });
}

async function build(session: SqlSession, schemaName: string, scripts: string[]): Promise<string[]> {
  await session.query(`CREATE SCHEMA "${schemaName}"`);
  await session.query(`SELECT set_config('search_path', $1, false)`, [`"${schemaName}"`]);
  for (const script of scripts) await session.executeScriptInTransaction(script);
  return snapshotCatalog(session, schemaName);
}
