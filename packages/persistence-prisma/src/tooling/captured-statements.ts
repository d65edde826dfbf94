import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";

/** One statement a store sent, with its values. */
export interface SentStatement {
  text: string;
  values: unknown[];
}

/** A Prisma client whose statements are kept, for reading their plans, and never committed. */
export interface CapturingClient {
  prisma: PrismaClient;
  pool: pg.Pool;
  /** The statements sent since the last call, oldest first. */
  takeSent(): SentStatement[];
  close(): Promise<void>;
}

const CONTROL = /^(BEGIN|COMMIT|ROLLBACK|SELECT 1$|SET |SHOW )/i;
type Query = (...args: unknown[]) => unknown;

/**
 * A Prisma client on `url` that keeps the text and values of every statement it sends, and runs each in a
 * transaction of its own that is rolled back: every call sees the data as loaded (a claim or a deletion changes
 * nothing). Only for stores' single statements: a statement of an interactive transaction would end it.
 */
export function createCapturingClient(url: string): CapturingClient {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  let sent: SentStatement[] = [];
  pool.on("connect", (pooled) => {
    const query = pooled.query.bind(pooled) as Query;
    (pooled as unknown as { query: Query }).query = (...args: unknown[]) => {
      const [first, second] = args as [string | { text: string; values?: unknown[] }, unknown];
      const text = typeof first === "string" ? first : first.text;
      if (CONTROL.test(text.trim())) return query(...args);
      sent.push({ text, values: typeof first === "string" ? (Array.isArray(second) ? second : []) : (first.values ?? []) });
      // pg-pool passes a callback; the adapter's own clients do not.
      const callback = typeof args.at(-1) === "function" ? (args.pop() as (error: unknown, result?: unknown) => void) : undefined;
      const result = (async () => {
        await query("BEGIN");
        try {
          return await query(...args);
        } finally {
          await query("ROLLBACK");
        }
      })();
      if (callback === undefined) return result;
      result.then((value) => callback(null, value), (error: unknown) => callback(error));
      return undefined;
    };
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: false }) });
  return {
    prisma,
    pool,
    takeSent: () => {
      const taken = sent;
      sent = [];
      return taken;
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
