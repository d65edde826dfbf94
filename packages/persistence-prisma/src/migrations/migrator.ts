import { randomUUID } from "node:crypto";
import { ConfigurationError } from "@neonhub/core";
import type { SqlSession, SqlSessionSource } from "../database/sql-session.js";
import type { MigrationFile } from "./read-migrations.js";

// The same key Prisma's schema engine locks, so this migrator and `prisma migrate deploy` never run at once.
const PRISMA_ADVISORY_LOCK_KEY = 72707369;

// Prisma's own bookkeeping table, created exactly as `prisma migrate deploy` creates it.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Applies committed migrations with `prisma migrate deploy` semantics and bookkeeping. */
export interface Migrator {
  /** Names of committed migrations that the database has not applied, in order. */
  pending(): Promise<string[]>;
  /** Applies the pending migrations in order; returns the names applied. */
  apply(): Promise<string[]>;
}

export function createMigrator(source: SqlSessionSource, migrations: MigrationFile[], options: { useAdvisoryLock: boolean }): Migrator {
  async function appliedNames(session: SqlSession): Promise<Set<string>> {
    const exists = await session.query<{ table: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS "table"`);
    if (!exists[0]?.table) return new Set();
    const rows = await session.query<AppliedRow>(`SELECT "migration_name", "finished_at", "rolled_back_at" FROM "_prisma_migrations"`);
    const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed) {
      // This migrator never leaves such a row (it records a migration in the migration's own transaction); Prisma's
      // CLI does when a migration fails, and its changes may be partly applied.
      throw new ConfigurationError(
        `Migration "${failed.migration_name}" was started and never finished (by \`prisma migrate deploy\`, or an earlier NeonHub ` +
          "release stopped between the migration and its record). Check which of its changes " +
          "the database holds: complete them and mark it `prisma migrate resolve --applied`, or undo them and mark it `--rolled-back` " +
          "(see docs/database.md).",
      );
    }
    return new Set(rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => row.migration_name));
  }

  /**
   * Runs the migration's script and records it as finished in one transaction: a process that dies at any point
   * leaves the migration either applied and recorded or neither, never applied with an unfinished record that
   * blocks the next deploy. A migration that fails is recorded as rolled back afterwards, as Prisma records one
   * after `migrate resolve --rolled-back`, so the next deploy tries it again.
   */
  async function applyOne(session: SqlSession, migration: MigrationFile): Promise<void> {
    try {
      await session.executeScriptInTransaction(migration.script, async (transaction) => {
        await transaction.query(
          `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "finished_at", "applied_steps_count")
           VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const recorded = await session
        .query(
          `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "logs", "started_at", "rolled_back_at", "applied_steps_count")
           VALUES ($1, $2, $3, $4, now(), now(), 0)`,
          [randomUUID(), migration.checksum, migration.name, message],
        )
        .then(
          () => true,
          () => false,
        );
      // Without a record, the connection was lost: the transaction committed whole or not at all, and the next deploy sees which.
      const outcome = recorded ? "failed and was rolled back" : "was interrupted (applied entirely or not at all; the next deploy finds out which)";
      throw new ConfigurationError(`Migration "${migration.name}" ${outcome}: ${message}`, { cause: error });
    }
  }

  return {
    pending: () =>
      source.withSession(async (session) => {
        const applied = await appliedNames(session);
        return migrations.filter((migration) => !applied.has(migration.name)).map((migration) => migration.name);
      }),
    apply: () =>
      source.withSession(async (session) => {
        if (options.useAdvisoryLock) await session.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK_KEY]);
        try {
          await session.query(CREATE_MIGRATIONS_TABLE);
          const applied = await appliedNames(session);
          const pending = migrations.filter((migration) => !applied.has(migration.name));
          for (const migration of pending) await applyOne(session, migration);
          return pending.map((migration) => migration.name);
        } finally {
          if (options.useAdvisoryLock) await session.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK_KEY]).catch(() => undefined);
        }
      }),
  };
}
