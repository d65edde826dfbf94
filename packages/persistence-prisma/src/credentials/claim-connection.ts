import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { StoreUnavailableError } from "@neonhub/core";
import type { ConnectorAuth, PrismaClient } from "../generated/prisma/client.js";

/** How long a claim holds a connection: longer than a token refresh's own 15 s deadline. */
export const CONNECTION_CLAIM_MS = 30_000;
/** How long a caller waits for a claimed connection: until the holder's claim has lapsed, and a little more. */
const CLAIM_WAIT_MS = CONNECTION_CLAIM_MS + 1_000;
/** First and longest pause between two attempts of a waiting caller. */
const FIRST_PAUSE_MS = 20;
const LONGEST_PAUSE_MS = 250;

/** A connection claimed by {@link claimConnection}: the claim's id and the row as it was when claimed. */
export interface ConnectionClaim {
  id: string;
  row: ConnectorAuth;
}

/**
 * Claims a connection for an exclusive update in one statement that holds no transaction afterwards: it succeeds
 * when no unexpired claim holds the row. While another caller holds it, tries again after a growing pause until that
 * claim is released or lapses. Returns null when there is no such connection.
 */
export async function claimConnection(prisma: PrismaClient, organizationId: string, connector: string): Promise<ConnectionClaim | null> {
  const id = randomUUID();
  const deadline = Date.now() + CLAIM_WAIT_MS;
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, LONGEST_PAUSE_MS)) {
    // The database's clock decides expiry, so that hosts with skewed clocks agree on it.
    const [row] = await prisma.$queryRaw<ConnectorAuth[]>`
      UPDATE "ConnectorAuth"
      SET "refreshClaimId" = ${id}, "refreshClaimedUntil" = now() + ${CONNECTION_CLAIM_MS}::integer * interval '1 millisecond'
      WHERE "organizationId" = ${organizationId} AND "connector" = ${connector}
        AND ("refreshClaimedUntil" IS NULL OR "refreshClaimedUntil" < now())
      RETURNING *`;
    if (row !== undefined) return { id, row };
    const exists = await prisma.connectorAuth.findUnique({ where: { organizationId_connector: { organizationId, connector } }, select: { id: true } });
    if (exists === null) return null;
    if (Date.now() >= deadline) {
      throw new StoreUnavailableError(`The ${connector} connection stayed claimed by another exclusive update for ${CLAIM_WAIT_MS} ms; trying again may succeed.`);
    }
    await sleep(pause);
  }
}

/**
 * Releases the claim `claimId` holds on a connection without writing anything else: `updatedAt` stays when the
 * connection last changed. Does nothing once another caller has taken the claim over.
 */
export async function releaseClaim(prisma: PrismaClient, organizationId: string, connector: string, claimId: string): Promise<void> {
  await prisma.$executeRaw`
    UPDATE "ConnectorAuth" SET "refreshClaimId" = NULL, "refreshClaimedUntil" = NULL
    WHERE "organizationId" = ${organizationId} AND "connector" = ${connector} AND "refreshClaimId" = ${claimId}`;
}
