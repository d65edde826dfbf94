import { mkdir } from "node:fs/promises";
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.js";
import { toStoreError } from "../errors/to-store-error.js";
import type { ResolvedConnection } from "./connection-options.js";
import { claimEmbeddedFolder } from "./embedded-folder-claims.js";
import { createEmbeddedPglite } from "./embedded-extensions.js";
import { pgliteStatements, poolStatements, type PreparedStatements } from "./prepared-statements.js";
import { pgliteSessionSource, poolSessionSource, type SqlSessionSource } from "./sql-session.js";

/** One open database: the Prisma client and plain SQL sessions, sharing one pool (or one PGlite instance). */
export interface DatabaseConnection {
  readonly kind: ResolvedConnection["kind"];
  readonly prisma: PrismaClient;
  readonly sessions: SqlSessionSource;
  /** The run store's hot statements, prepared once per connection. */
  readonly statements: PreparedStatements;
  close(): Promise<void>;
}

const POOL_SIZE = 10;

/** Opens the pool or the embedded database; nothing is queried yet. */
export async function openDatabaseConnection(connection: ResolvedConnection): Promise<DatabaseConnection> {
  if (connection.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: connection.url, max: POOL_SIZE });
    // Idle clients whose server connection dies emit "error"; the next query reports it instead of crashing the process.
    pool.on("error", () => undefined);
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: false }) });
    return {
      kind: "postgres",
      prisma,
      sessions: poolSessionSource(pool),
      statements: poolStatements(pool, { named: connection.preparedStatements }),
      close: closeOnce(async () => {
        await prisma.$disconnect();
        await pool.end();
      }),
    };
  }
  let database: PGlite;
  let release: () => Promise<void> = async () => undefined;
  try {
    await mkdir(connection.dataDir, { recursive: true });
    release = await claimEmbeddedFolder(connection.dataDir, connection.lockWaitMs);
    database = await createEmbeddedPglite(connection.dataDir);
  } catch (error) {
    await release();
    throw toStoreError(error, `open the embedded database in ${connection.dataDir}`);
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(database) });
  return {
    kind: "embedded",
    prisma,
    sessions: pgliteSessionSource(database),
    statements: pgliteStatements(database),
    close: closeOnce(async () => {
      try {
        await prisma.$disconnect();
        await database.close();
      } finally {
        await release();
      }
    }),
  };
}

function closeOnce(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}
