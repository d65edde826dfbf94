import { createClockSkewMonitor, type Clock } from "@neonhub/core";
import type { NeonhubDatabase } from "@neonhub/persistence-prisma";

/**
 * The database's time as this machine knows it after one measurement, for a command that stores times the hosts
 * then compare with theirs (a refreshed token's expiry, a connection's last use). A failed measurement leaves the
 * machine's own clock.
 */
export async function measureDatabaseClock(database: Pick<NeonhubDatabase, "readDatabaseTime">, maxSkewMs: number): Promise<Clock> {
  const monitor = createClockSkewMonitor({ readReferenceTime: () => database.readDatabaseTime(), maxSkewMs });
  await monitor.measure();
  return monitor.referenceClock;
}
