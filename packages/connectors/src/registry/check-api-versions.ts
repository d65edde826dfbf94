import type { Clock } from "@neonhub/core";
import type { ConnectorDefinition } from "../sdk/connector-definition.js";

/** How near a sunset must be to be reported, by default. */
export const DEFAULT_SUNSET_WARNING_DAYS = 90;
const DAY_MS = 86_400_000;

/** Where a connector's pinned provider API version stands on a given day. */
export interface ApiVersionStatus {
  connector: string;
  version: string;
  /** `ok`; `deprecated` (the provider deprecated it); `sunset_soon` (within the warning days); `sunset` (past it). */
  status: "ok" | "deprecated" | "sunset_soon" | "sunset";
  deprecated: boolean;
  /** Whole days until the sunset date (negative once past), or null when the provider publishes none. */
  daysUntilSunset: number | null;
  sunsetAt: string | null;
  docsUrl: string;
}

/** Options of {@link checkApiVersions}. */
export interface CheckApiVersionsOptions {
  clock: Clock;
  /** A sunset closer than this many days is reported. Default {@link DEFAULT_SUNSET_WARNING_DAYS}. */
  warningDays?: number;
}

const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`);

/**
 * The standing of every connector's declared API version on the clock's day (connectors without one are left
 * out). A version is `deprecated` from its `deprecatedAt` day on, `sunset_soon` within `warningDays` of its
 * `sunsetAt` day, and `sunset` from that day on.
 * @example
 * const warnings = checkApiVersions(client.registry.list(), { clock }).filter((entry) => entry.status !== "ok");
 */
export function checkApiVersions(connectors: readonly ConnectorDefinition[], options: CheckApiVersionsOptions): ApiVersionStatus[] {
  const now = options.clock.now();
  const warningDays = options.warningDays ?? DEFAULT_SUNSET_WARNING_DAYS;
  return connectors.flatMap((connector) => {
    const spec = connector.apiVersion;
    if (spec === undefined) return [];
    const deprecated = spec.deprecatedAt !== undefined && dayOf(spec.deprecatedAt) <= now;
    const daysUntilSunset = spec.sunsetAt === undefined ? null : Math.floor((dayOf(spec.sunsetAt) - now) / DAY_MS);
    const status: ApiVersionStatus["status"] =
      daysUntilSunset !== null && daysUntilSunset < 0 ? "sunset" : daysUntilSunset !== null && daysUntilSunset < warningDays ? "sunset_soon" : deprecated ? "deprecated" : "ok";
    return [{ connector: connector.id, version: spec.version, status, deprecated, daysUntilSunset, sunsetAt: spec.sunsetAt ?? null, docsUrl: spec.docsUrl }];
  });
}
