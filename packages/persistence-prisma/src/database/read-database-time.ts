import type { PrismaClient } from "../generated/prisma/client.js";
import { guarded } from "../errors/guarded.js";

/**
 * Reads the database server's clock with `clock_timestamp()`: the time at which the server evaluates the call, inside
 * the caller's round trip whatever the statement waited for before. `now()` and `transaction_timestamp()` would give a
 * transaction's start, and `statement_timestamp()` the time the statement arrived (before parsing and planning), which
 * are no better a midpoint and stand still inside a transaction.
 */
export async function readDatabaseTime(prisma: PrismaClient): Promise<Date> {
  return guarded("read the database clock", async () => {
    const [row] = await prisma.$queryRaw<Array<{ now: Date }>>`SELECT clock_timestamp() AS "now"`;
    if (!(row?.now instanceof Date)) throw new TypeError("The database answered clock_timestamp() with something that is not a time.");
    return row.now;
  });
}
