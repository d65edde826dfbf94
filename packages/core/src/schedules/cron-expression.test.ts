import { describe, expect, it } from "vitest";
import { isNeonhubError } from "../errors/neonhub-error.js";
import { isKnownTimeZone, parseCronExpression } from "./cron-expression.js";
import { planTicks } from "./plan-ticks.js";

const fieldOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    if (isNeonhubError(error, "INVALID_SCHEDULE")) return (error.details?.fieldErrors as Array<{ path: string }>).map((field) => field.path);
    throw error;
  }
  throw new Error("expected an InvalidScheduleError");
};

describe("parseCronExpression", () => {
  it("reads the expression in its time zone, across daylight saving time changes", () => {
    const berlin = parseCronExpression("0 6 * * *", "Europe/Berlin");
    expect(berlin.nextAfter(new Date("2026-01-15T12:00:00Z"))).toEqual(new Date("2026-01-16T05:00:00Z"));
    expect(berlin.nextAfter(new Date("2026-07-15T12:00:00Z"))).toEqual(new Date("2026-07-16T04:00:00Z"));
    // 02:30 does not exist on the day New York springs forward: that tick runs at 03:00 local time.
    const springForward = parseCronExpression("30 2 * * *", "America/New_York");
    expect(springForward.nextAfter(new Date("2026-03-08T06:00:00Z"))).toEqual(new Date("2026-03-08T07:00:00Z"));
    // 01:30 happens twice when it falls back: a fixed-time tick runs once.
    const fallBack = parseCronExpression("30 1 * * *", "America/New_York");
    expect(fallBack.nextAfter(new Date("2026-11-01T05:30:00Z"))).toEqual(new Date("2026-11-02T06:30:00Z"));
    expect(parseCronExpression("@weekly", "UTC").nextAfter(new Date("2026-01-01T00:00:00Z"))).toEqual(new Date("2026-01-04T00:00:00Z"));
  });

  it("fires on a day matching either the day of month or the day of week, also on the first of a month", () => {
    // 2026-03-01 is a Sunday: it matches the day of month (1) and not the day of week (Monday).
    const firstOrMonday = parseCronExpression("0 6 1 * MON", "UTC");
    expect(firstOrMonday.nextAfter(new Date("2026-02-24T07:00:00Z"))).toEqual(new Date("2026-03-01T06:00:00Z"));
    expect(firstOrMonday.nextAfter(new Date("2026-03-01T06:00:00Z"))).toEqual(new Date("2026-03-02T06:00:00Z"));
    const firstOrWeekday = parseCronExpression("0 6 1 * 1-5", "Europe/Berlin");
    expect(firstOrWeekday.nextAfter(new Date("2026-02-27T06:00:00Z"))).toEqual(new Date("2026-03-01T05:00:00Z"));
    // Going forward finds the ticks that going back finds.
    expect(firstOrMonday.previousBefore(new Date("2026-03-02T06:00:00Z"), 1)).toEqual([new Date("2026-03-01T06:00:00Z")]);
  });

  it("lists earlier ticks, most recent first", () => {
    expect(parseCronExpression("0 * * * *", "UTC").previousBefore(new Date("2026-01-01T03:30:00Z"), 2)).toEqual([new Date("2026-01-01T03:00:00Z"), new Date("2026-01-01T02:00:00Z")]);
    // A tick less than a second before the instant counts; one at the instant itself does not.
    const everyMinute = parseCronExpression("* * * * *", "UTC");
    expect(everyMinute.previousBefore(new Date("2026-01-01T00:04:00.500Z"), 2)).toEqual([new Date("2026-01-01T00:04:00Z"), new Date("2026-01-01T00:03:00Z")]);
    expect(everyMinute.previousBefore(new Date("2026-01-01T00:04:00.000Z"), 1)).toEqual([new Date("2026-01-01T00:03:00Z")]);
  });

  it("refuses seconds (more often than once a minute), malformed expressions and ones that never fire", () => {
    expect(fieldOf(() => parseCronExpression("* * * * * *", "UTC"))).toEqual(["cron"]);
    expect(fieldOf(() => parseCronExpression("*/10 * * * * *", "UTC"))).toEqual(["cron"]);
    expect(fieldOf(() => parseCronExpression("61 * * * *", "UTC"))).toEqual(["cron"]);
    expect(fieldOf(() => parseCronExpression("every day", "UTC"))).toEqual(["cron"]);
    expect(fieldOf(() => parseCronExpression("0 0 30 2 *", "UTC"))).toEqual(["cron"]);
    expect(fieldOf(() => parseCronExpression("", "UTC"))).toEqual(["cron"]);
    expect(fieldOf(() => parseCronExpression(`0 ${"1,".repeat(120)}1 * * *`, "UTC"))).toEqual(["cron"]);
  });

  it("accepts croner's day extensions (L, nL, W, #, ?, +) and nicknames, read as documented", () => {
    const first = (cron: string) => parseCronExpression(cron, "UTC").nextAfter(new Date("2026-01-01T00:00:00Z"));
    expect(first("0 0 L * *")).toEqual(new Date("2026-01-31T00:00:00Z"));
    expect(first("0 0 * * 5L")).toEqual(new Date("2026-01-30T00:00:00Z"));
    // 2026-02-15 is a Sunday: 15W is the weekday nearest to it, Monday the 16th.
    expect(parseCronExpression("0 0 15W * *", "UTC").nextAfter(new Date("2026-02-01T00:00:00Z"))).toEqual(new Date("2026-02-16T00:00:00Z"));
    expect(first("0 0 * * MON#2")).toEqual(new Date("2026-01-12T00:00:00Z"));
    expect(first("0 0 ? * *")).toEqual(new Date("2026-01-02T00:00:00Z"));
    // + before the day of week asks for both days to match: the first Monday, not every Monday and the 1st to 7th.
    expect(first("0 0 1-7 * +MON")).toEqual(new Date("2026-01-05T00:00:00Z"));
    expect(parseCronExpression("0 0 1-7 * +MON", "UTC").nextAfter(new Date("2026-01-05T00:00:00Z"))).toEqual(new Date("2026-02-02T00:00:00Z"));
    expect(first("@midnight")).toEqual(new Date("2026-01-02T00:00:00Z"));
    expect(first("@annually")).toEqual(new Date("2027-01-01T00:00:00Z"));
    // Once in four years is rare, but it fires.
    expect(first("0 0 29 2 *")).toEqual(new Date("2028-02-29T00:00:00Z"));
  });

  it("refuses @reboot, a step of 0 and a date that never comes, saying why", () => {
    const messageOf = (cron: string) => {
      try {
        parseCronExpression(cron, "UTC");
      } catch (error) {
        if (isNeonhubError(error, "INVALID_SCHEDULE")) return error.message;
      }
      throw new Error(`expected ${cron} to be refused`);
    };
    expect(messageOf("@reboot")).toMatch(/@reboot is not supported/);
    expect(messageOf("*/0 * * * *")).toMatch(/illegal stepping: 0/);
    expect(messageOf("0 0 31 4 *")).toMatch(/never fires/);
    expect(messageOf("0 0 L-2 * *")).toMatch(/L has to be a value of its own/);
    expect(messageOf("5/15 * * * *")).toMatch(/stepping with numeric prefix/);
  });

  it("accepts the IANA database's legacy names, and refuses UTC offsets", () => {
    // Links of the database, read as the zone they name: 06:00 in New York is 11:00 UTC in winter.
    for (const timeZone of ["US/Eastern", "EST5EDT"]) {
      expect(parseCronExpression("0 6 * * *", timeZone).nextAfter(new Date("2026-01-01T00:00:00Z"))).toEqual(new Date("2026-01-01T11:00:00Z"));
    }
    for (const timeZone of ["+05:00", "UTC+5", "Z", "local", " "]) expect(fieldOf(() => parseCronExpression("0 6 * * *", timeZone)), timeZone).toEqual(["timeZone"]);
    // Etc/GMT-5 is UTC+5: the Etc signs are POSIX's, the other way round.
    expect(parseCronExpression("0 6 * * *", "Etc/GMT-5").nextAfter(new Date("2026-01-01T00:00:00Z"))).toEqual(new Date("2026-01-01T01:00:00Z"));
  });

  it("refuses unknown time zones, naming every bad field at once", () => {
    expect(isKnownTimeZone("Europe/Berlin")).toBe(true);
    expect(isKnownTimeZone("Mars/Olympus")).toBe(false);
    expect(fieldOf(() => parseCronExpression("0 6 * * *", "Mars/Olympus"))).toEqual(["timeZone"]);
    expect(fieldOf(() => parseCronExpression(42, ""))).toEqual(["timeZone", "cron"]);
  });
});

describe("planTicks", () => {
  const hourly = parseCronExpression("0 * * * *", "UTC");
  const at = (iso: string) => new Date(iso);
  const plan = (catchUp: "latest" | "none" | "all", now: string, dueAt = "2026-01-01T01:00:00Z") =>
    planTicks({ expression: hourly, dueAt: at(dueAt), now: at(now), catchUp, lateToleranceMs: 60_000 });

  it("runs an on-time tick whatever the policy", () => {
    for (const catchUp of ["latest", "none", "all"] as const) {
      expect(plan(catchUp, "2026-01-01T01:00:30Z")).toEqual({ ticks: [at("2026-01-01T01:00:00Z")], nextRunAt: at("2026-01-01T02:00:00Z") });
    }
  });

  it("treats one late tick by the policy", () => {
    expect(plan("latest", "2026-01-01T01:30:00Z").ticks).toEqual([at("2026-01-01T01:00:00Z")]);
    expect(plan("none", "2026-01-01T01:30:00Z").ticks).toEqual([]);
    expect(plan("all", "2026-01-01T01:30:00Z").ticks).toEqual([at("2026-01-01T01:00:00Z")]);
  });

  it("with several missed, none still runs the latest tick when it is on time", () => {
    expect(plan("none", "2026-01-01T04:00:10Z").ticks).toEqual([at("2026-01-01T04:00:00Z")]);
  });

  it("runs every tick found within the tolerance; only older ones follow the policy", () => {
    const quarterHourly = parseCronExpression("*/15 * * * *", "UTC");
    const found = (catchUp: "latest" | "none" | "all") =>
      planTicks({ expression: quarterHourly, dueAt: at("2026-01-01T10:00:00Z"), now: at("2026-01-01T10:31:00Z"), catchUp, lateToleranceMs: 20 * 60_000 }).ticks;
    expect(found("latest")).toEqual([at("2026-01-01T10:15:00Z"), at("2026-01-01T10:30:00Z")]);
    expect(found("none")).toEqual([at("2026-01-01T10:15:00Z"), at("2026-01-01T10:30:00Z")]);
    expect(found("all")).toEqual([at("2026-01-01T10:00:00Z"), at("2026-01-01T10:15:00Z"), at("2026-01-01T10:30:00Z")]);
  });

  it("bounds all to the most recent 24 ticks", () => {
    const result = plan("all", "2026-01-03T01:30:00Z");
    expect(result.ticks).toHaveLength(24);
    expect(result.ticks[0]).toEqual(at("2026-01-02T02:00:00Z"));
    expect(result.ticks.at(-1)).toEqual(at("2026-01-03T01:00:00Z"));
    expect(result.nextRunAt).toEqual(at("2026-01-03T02:00:00Z"));
  });
});
