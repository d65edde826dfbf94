import type { CreateScheduleRequest, Schedule, ScheduleManager } from "@neonhub/core";
import { DEVELOPMENT_CALLER } from "../auth/provision-development-key.js";

/**
 * The example schedules of the development organization: the SEO analytics report every morning and the weekly
 * tuning of the learning loop (learning-tune adjusts seo-analyst's settings from its runs of the week). Each is created
 * only when its agent is registered.
 */
export const DEVELOPMENT_SCHEDULES: readonly CreateScheduleRequest[] = Object.freeze([
  // seo.analytics: yesterday's and the six days before, every day at 06:00 UTC.
  { agent: "seo-analyst", cron: "0 6 * * *", timeZone: "UTC", input: { siteUrl: "sc-domain:example.com", lastDays: 7 }, catchUp: "latest" },
  // learning.tune: weekly on Monday at 03:00 UTC, seo-analyst's last seven days.
  { agent: "learning-tune", cron: "0 3 * * 1", timeZone: "UTC", input: { agent: "seo-analyst", periodDays: 7 }, catchUp: "latest" },
]);

/**
 * Creates the example schedules for the development organization, on the first start only (when its key is
 * provisioned): a person who deletes them later does not get them back. Schedules of agents the host does not
 * register are left out.
 */
export async function provisionDevelopmentSchedules(schedules: ScheduleManager, registeredAgents: readonly string[], options: { enabled: boolean }): Promise<Schedule[]> {
  const created: Schedule[] = [];
  for (const request of DEVELOPMENT_SCHEDULES) {
    if (!registeredAgents.includes(request.agent)) continue;
    created.push(await schedules.create(DEVELOPMENT_CALLER, { ...request, enabled: options.enabled }));
  }
  return created;
}
