/**
 * Values that broke or may break an HTTP API: text PostgreSQL cannot hold, times outside its range, numbers at and
 * past the edges of JSON and of 64-bit integers, prototype-pollution keys, path traversal, very long ids.
 */
export const NASTY_STRINGS: readonly string[] = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "\uDFFF",
  "x\uDBFF",
  "😀",
  "\u202E\u0000",
  "%00",
  "%",
  "%zz",
  "%C0%AF",
  "../../etc/passwd",
  "..%2F..%2Fetc%2Fpasswd",
  "..\\..\\windows\\win.ini",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "null",
  "undefined",
  "NaN",
  "-1",
  "0",
  "1e309",
  "9007199254740993",
  "-9223372036854775809",
  "true",
  "[]",
  "{}",
  "' OR '1'='1",
  "'; DROP TABLE \"AgentRun\"; --",
  "<script>alert(1)</script>",
  "${7*7}",
  "{{7*7}}",
  "\r\nSet-Cookie: x=y",
  "0000-01-01T00:00:00Z",
  "0001-01-01T00:00:00+01:00",
  "9999-12-31T23:59:59.999Z",
  "+275760-09-13T00:00:00.000Z",
  "-271821-04-20T00:00:00.000Z",
  "2024-02-30T00:00:00Z",
  "2024-13-01T00:00:00Z",
  "1970-01-01T00:00:00Z",
  "x".repeat(65),
  "x".repeat(256),
  "a".repeat(10_000),
  "run_".padEnd(64, "z"),
];

/** Numbers (as JSON numbers) at the edges. */
export const NASTY_NUMBERS: readonly number[] = [0, -0, -1, 1, 0.5, -1e-300, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 2 ** 64, 600_001, 86_400_001];

/** JSON text of values no JavaScript value produces through JSON.stringify. */
export const NASTY_JSON_NUMBERS: readonly string[] = ["1e400", "-1e400", "1" + "0".repeat(400), "0." + "0".repeat(400) + "1", "-0.0e-0"];

/** Keys that pollute prototypes when a parser or merge is careless. */
export const POLLUTING_KEYS: readonly string[] = ["__proto__", "constructor", "prototype", "__defineGetter__", "__lookupSetter__"];

/** JSON text nested `depth` levels deep (objects and arrays in turn). */
export function deeplyNestedJson(depth: number): string {
  return `${'{"a":['.repeat(depth)}1${"]}".repeat(depth)}`;
}

/** JSON text of an object with `count` keys. */
export function wideObjectJson(count: number): string {
  const members: string[] = [];
  for (let index = 0; index < count; index += 1) members.push(`"k${index}":${index}`);
  return `{${members.join(",")}}`;
}
