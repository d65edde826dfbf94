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

/** Creates `neonhub_test_<random>` on the server of `serverUrl`. */
export async function createScratchDatabase(serverUrl: string, prefix = "neonhub_test"): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await withAdmin(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
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
