import { randomUUID } from "node:crypto";
import { openNeonhubDatabase } from "@neonhub/persistence-prisma";
import pg from "pg";
import { DEVELOPMENT_CALLER } from "../src/auth/provision-development-key.js";
import type { ProviderLedger } from "./provider-ledger.js";

/** A PostgreSQL database of the test's own, migrated, dropped at the end whatever is still connected. */
export interface ScratchDatabase {
  name: string;
  url: string;
  /** A connection to the server's maintenance database, to create, drop or cut connections. */
  admin: pg.Client;
  drop(): Promise<void>;
}

/**
 * Creates `neonhub_<label>_<random>` next to the database of `baseUrl` and applies the migrations, unless `migrate`
 * is false (to see what a host does with a database not migrated yet).
 */
export async function createScratchDatabase(baseUrl: string, label: string, { migrate = true }: { migrate?: boolean } = {}): Promise<ScratchDatabase> {
  const name = `neonhub_${label}_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  if (migrate) {
    const database = await openNeonhubDatabase({ url: url.toString(), applyMigrations: true });
    await database.close();
  }
  return {
    name,
    url: url.toString(),
    admin,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/**
 * Stores the development organization's connections to the ledger's stand-ins (email, Discord and YouTube), sealed
 * with `credentialsKey`, so that a live-mode host sends its provider calls there.
 */
export async function connectToLedger(databaseUrl: string, credentialsKey: string, ledger: ProviderLedger): Promise<void> {
  const database = await openNeonhubDatabase({ url: databaseUrl });
  try {
    const credentials = database.createCredentialStore({ encryptionKey: credentialsKey });
    const organizationId = DEVELOPMENT_CALLER.organizationId;
    await credentials.put({ organizationId, connector: "email", authType: "bearer", credentials: { apiKey: "re_test_ledger", baseUrl: ledger.url }, expiresAt: null });
    await credentials.put({ organizationId, connector: "discord", authType: "api_key", credentials: { accessToken: "bot-test-ledger", baseUrl: ledger.url }, expiresAt: null });
    await credentials.put({ organizationId, connector: "youtube", authType: "oauth2", credentials: { accessToken: "ya29.test-ledger", baseUrl: ledger.url }, expiresAt: null });
  } finally {
    await database.close();
  }
}
