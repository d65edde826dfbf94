import { ConfigurationError } from "@neonhub/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DATABASE_URL, createScratchDatabase, type ScratchDatabase } from "../tooling/scratch-database.js";
import { resolveConnection } from "./connection-options.js";
import { poolStatements } from "./prepared-statements.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the prepared statement tests on PostgreSQL.");

describe("preparedStatements option", () => {
  it("is on by default for PostgreSQL and refuses anything but a boolean", () => {
    expect(resolveConnection({ url: "postgres://localhost/neonhub" })).toEqual({ kind: "postgres", url: "postgres://localhost/neonhub", preparedStatements: true });
    expect(resolveConnection({ url: "postgres://localhost/neonhub", preparedStatements: false })).toMatchObject({ preparedStatements: false });
    expect(() => resolveConnection({ url: "postgres://localhost/neonhub", preparedStatements: "no" as unknown as boolean })).toThrow(ConfigurationError);
  });
});

describe.skipIf(!TEST_DATABASE_URL)("prepared statements on PostgreSQL", () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase(TEST_DATABASE_URL!);
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  /** The statements prepared on the single connection of a pool, after `statement` ran on it twice. */
  const preparedAfterTwoCalls = async (named: boolean) => {
    const pool = new pg.Pool({ connectionString: scratch.url, max: 1 });
    try {
      const statements = poolStatements(pool, { named });
      for (const value of [1, 2]) expect(await statements.query<{ doubled: number }>("neonhub_test_double", "SELECT $1::int * 2 AS doubled", [value])).toEqual([{ doubled: value * 2 }]);
      const { rows } = await pool.query<{ name: string }>("SELECT name FROM pg_prepared_statements");
      return rows.map((row) => row.name);
    } finally {
      await pool.end();
    }
  };

  it("keeps a named statement on the connection, prepared once", async () => {
    expect(await preparedAfterTwoCalls(true)).toEqual(["neonhub_test_double"]);
  });

  it("prepares nothing with named statements turned off", async () => {
    expect(await preparedAfterTwoCalls(false)).toEqual([]);
  });
});
