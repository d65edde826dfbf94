import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** The PostgreSQL server tests may use, or undefined (then PostgreSQL tests skip). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

/** A database created for one test file (or one benchmark) and dropped afterwards. */
export interface ScratchDatabase {
  name: string;
  url: string;
  /** A URL to the same database as another role. */
  urlAs(role: string, password?: string): string;
  drop(): Promise<void>;
}

/** Options of {@link createScratchDatabase}. */
export interface ScratchDatabaseOptions {
  /**
   * An ICU locale (`en-US`) the database orders and compares texts by, as databases created with a locale do, instead
   * of the server's default. Needs PostgreSQL 15 or later built with ICU.
   */
  icuLocale?: string;
}

/** Creates `neonhub_test_<random>` on the server of `serverUrl`. */
export async function createScratchDatabase(serverUrl: string, prefix = "neonhub_test", options: ScratchDatabaseOptions = {}): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const locale = options.icuLocale === undefined ? "" : ` TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${options.icuLocale.replaceAll("'", "''")}'`;
  await withAdmin(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"${locale}`));
  const urlFor = (role?: string, password?: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    if (role !== undefined) {
      url.username = role;
      url.password = password ?? "";
    }
    return url.toString();
  };
  return {
    name,
    url: urlFor(),
    urlAs: (role, password) => urlFor(role, password),
    drop: () => withAdmin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** Runs `work` on a short-lived connection to the server's maintenance database. */
export async function withAdmin<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh temporary folder for an embedded database. */
export async function createScratchFolder(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "neonhub-pglite-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
