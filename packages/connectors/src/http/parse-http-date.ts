const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAY_NAME = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const LONG_DAY_NAME = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MONTH = `(?<month>${MONTHS.join("|")})`;
const TIME = "(?<hour>\\d{2}):(?<minute>\\d{2}):(?<second>\\d{2})";
// RFC 9110 section 5.6.7: the IMF-fixdate, and the obsolete rfc850-date and asctime-date that recipients must accept.
const IMF_FIXDATE = new RegExp(`^${DAY_NAME}, (?<day>\\d{2}) ${MONTH} (?<year>\\d{4}) ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^${LONG_DAY_NAME}, (?<day>\\d{2})-${MONTH}-(?<shortYear>\\d{2}) ${TIME} GMT$`);
const ASCTIME_DATE = new RegExp(`^${DAY_NAME} ${MONTH} (?<day> \\d|\\d{2}) ${TIME} (?<year>\\d{4})$`);

/** A two-digit year more than 50 years ahead is the most recent past year with those digits (RFC 9110). */
function fullYear(shortYear: number, nowMs: number): number {
  const currentYear = new Date(nowMs).getUTCFullYear();
  const year = Math.floor(currentYear / 100) * 100 + shortYear;
  return year > currentYear + 50 ? year - 100 : year;
}

/**
 * Milliseconds since the epoch of an HTTP date in one of RFC 9110's three forms (`Sun, 06 Nov 1994 08:49:37 GMT`,
 * `Sunday, 06-Nov-94 08:49:37 GMT`, `Sun Nov  6 08:49:37 1994`); undefined for anything else, where `Date.parse`
 * would guess.
 */
export function parseHttpDate(text: string, nowMs: number): number | undefined {
  const parts = (IMF_FIXDATE.exec(text) ?? RFC850_DATE.exec(text) ?? ASCTIME_DATE.exec(text))?.groups;
  if (parts === undefined) return undefined;
  const year = parts.year === undefined ? fullYear(Number(parts.shortYear), nowMs) : Number(parts.year);
  const month = MONTHS.indexOf(parts.month ?? "");
  const [day, hour, minute, second] = [parts.day, parts.hour, parts.minute, parts.second].map(Number) as [number, number, number, number];
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  // A leap second counts as the last second of its minute.
  const time = Date.UTC(year, month, day, hour, minute, Math.min(second, 59));
  // Date.UTC rolls 31 February over into March: such a date is unreadable.
  const date = new Date(time);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month && date.getUTCDate() === day ? time : undefined;
}
