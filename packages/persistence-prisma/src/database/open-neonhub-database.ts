import type { AgentSettingsStore, ApiKeyStore, RunStore, ScheduleStore } from "@neonhub/core";
import { createPrismaAgentSettingsStore } from "../agent-settings/prisma-agent-settings-store.js";
import { createPrismaApiKeyStore } from "../api-keys/prisma-api-key-store.js";
import type { CredentialKeyring } from "../credentials/credential-cipher.js";
import { createPrismaCredentialStore, type PrismaCredentialStore } from "../credentials/prisma-credential-store.js";
import { createPrismaOAuthStateStore, type PrismaOAuthStateStore } from "../credentials/prisma-oauth-state-store.js";
import { guarded } from "../errors/guarded.js";
import { locateMigrations } from "../migrations/locate-migrations.js";
import { createMigrator } from "../migrations/migrator.js";
import { readMigrations } from "../migrations/read-migrations.js";
import { createRunStoreOnPrisma } from "../run-store/prisma-run-store.js";
import { createPrismaScheduleStore } from "../schedules/prisma-schedule-store.js";
import { resolveConnection, type OpenNeonhubDatabaseOptions } from "./connection-options.js";
import { openDatabaseConnection } from "./database-connection.js";
import { readDatabaseTime } from "./read-database-time.js";

/** Every NeonHub store on one database connection pool (or one embedded database). */
export interface NeonhubDatabase {
  /** Runs, tool executions and run metrics. Its `close` closes the whole database. */
  readonly runStore: RunStore;
  /** Hashed API keys of the host. */
  readonly apiKeyStore: ApiKeyStore;
  /** Cron schedules; schedulers of every host sharing the database claim each tick once. */
  readonly scheduleStore: ScheduleStore;
  /** Agents' settings, one small JSON object per organization and agent (what a tuning agent writes). */
  readonly agentSettingsStore: AgentSettingsStore;
  /**
   * Connector credentials, encrypted at rest with AES-256-GCM.
   * @param options.encryptionKey 32 bytes as 64 hex characters or base64; anything else throws `ConfigurationError`.
   * @param options.previousKeys keys that sealed credentials still stored, readable until `reencrypt` has run.
   */
  createCredentialStore(options: { encryptionKey: string; previousKeys?: readonly string[] }): PrismaCredentialStore;
  /**
   * Pending OAuth 2.0 authorizations and grants of confirm completion, their PKCE verifiers and tokens sealed with the
   * same keys as credentials.
   * @param options.previousKeys keys that sealed states and grants still stored, readable until `reencrypt` has run.
   */
  createOAuthStateStore(options: { encryptionKey: string; previousKeys?: readonly string[] }): PrismaOAuthStateStore;
  /** Committed migrations this database has not applied yet, oldest first. */
  pendingMigrations(): Promise<string[]>;
  /** Applies the pending migrations (recorded in `_prisma_migrations` as Prisma does); returns their names. */
  applyMigrations(): Promise<string[]>;
  /** Resolves when the database answers; rejects with `StoreUnavailableError` otherwise. */
  checkHealth(): Promise<void>;
  /**
   * The database server's clock (`clock_timestamp()`), the common clock of every host sharing the database: pass it
   * to `createClockSkewMonitor` or `measureClockOffset` of `@neonhub/core` as the reference time.
   * @throws StoreUnavailableError when the database does not answer.
   * @example
   * const monitor = createClockSkewMonitor({ readReferenceTime: () => database.readDatabaseTime(), maxSkewMs: 5_000 });
   */
  readDatabaseTime(): Promise<Date>;
  /** Closes the pool (or the embedded database). Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Opens the NeonHub database: PostgreSQL through a connection URL, or an embedded PGlite database in a folder.
 * Embedded databases are migrated on open; PostgreSQL only with `applyMigrations: true`, so that a deployment can
 * migrate in its own step (with the migration role) and refuse to start while `pendingMigrations()` is not empty.
 * An embedded database's folder is open once per process at a time: a second open before the first is closed would
 * be a second PGlite instance on the same files, each blind to the other's writes.
 * @throws ConfigurationError for invalid options, a failed migration, or an embedded folder already open in this
 * process; StoreUnavailableError when the database cannot be reached.
 * @example
 * const database = await openNeonhubDatabase({ url: process.env.DATABASE_URL! });
 * if ((await database.pendingMigrations()).length > 0) throw new Error("Run `npx --no-install neonhub-migrate` first.");
 * const orchestrator = createOrchestrator({ agents, store: database.runStore });
 */
export async function openNeonhubDatabase(options: OpenNeonhubDatabaseOptions): Promise<NeonhubDatabase> {
  const connection = resolveConnection(options);
  const migrations = readMigrations(locateMigrations());
  const opened = await openDatabaseConnection(connection);
  const migrator = createMigrator(opened.sessions, migrations, { useAdvisoryLock: opened.kind === "postgres" });
  const applyMigrations = () => guarded("apply migrations", () => migrator.apply());
  const shouldMigrate = connection.kind === "embedded" ? options.applyMigrations !== false : options.applyMigrations === true;
  if (shouldMigrate) {
    try {
      await applyMigrations();
    } catch (error) {
      await opened.close();
      throw error;
    }
  }
  const runStore = createRunStoreOnPrisma(opened.prisma, opened.statements, opened.close);
  return {
    runStore,
    apiKeyStore: createPrismaApiKeyStore(opened.prisma),
    scheduleStore: createPrismaScheduleStore(opened.prisma),
    agentSettingsStore: createPrismaAgentSettingsStore(opened.prisma),
    createCredentialStore: (keys) => createPrismaCredentialStore(opened.prisma, keyringOf(keys)),
    createOAuthStateStore: (keys) => createPrismaOAuthStateStore(opened.prisma, keyringOf(keys)),
    pendingMigrations: () => guarded("read the applied migrations", () => migrator.pending()),
    applyMigrations,
    checkHealth: () => runStore.checkHealth(),
    readDatabaseTime: () => readDatabaseTime(opened.prisma),
    close: opened.close,
  };
}

const keyringOf = (options: { encryptionKey: string; previousKeys?: readonly string[] }): CredentialKeyring => ({
  current: options.encryptionKey,
  previous: options.previousKeys ?? [],
});
