import { describe, expect, it } from "vitest";
import { MAX_RETRY_AFTER_MS } from "../http/parse-retry-after.js";
import { graphApiResponseMapper } from "./graph-api-response.js";

const map = graphApiResponseMapper("facebook", "Facebook Pages");
const throttled = (code: number, headers: Record<string, string> = {}) =>
  map({ status: 400, headers, body: { error: { message: `(#${code}) Too many calls`, type: "OAuthException", code, fbtrace_id: "A1b2C3" } } }, { action: "createPagePost", nowMs: 0 });
const usage = (...minutes: unknown[]) => ({
  "x-business-use-case-usage": JSON.stringify({ "546349135390552": minutes.map((estimate) => ({ type: "pages", call_count: 100, total_cputime: 10, total_time: 10, estimated_time_to_regain_access: estimate })) }),
});

describe("Graph API throttling", () => {
  it("maps every throttling code, 80000 to 80014 included, to RATE_LIMITED", () => {
    for (const code of [4, 17, 32, 613, 80000, 80003, 80007, 80009, 80014, 130429]) expect(throttled(code), `code ${code}`).toMatchObject({ code: "RATE_LIMITED", isRetryable: true });
    expect(throttled(80015)).not.toMatchObject({ code: "RATE_LIMITED" });
  });

  it("waits the longest estimated_time_to_regain_access of the usage header, read as minutes, at most one day", () => {
    expect(throttled(4, usage(0, 3))?.retryAfterMs).toBe(180_000);
    expect(throttled(80004, usage(5_000))?.retryAfterMs).toBe(MAX_RETRY_AFTER_MS);
    expect(throttled(17, { ...usage(2), "retry-after": "7" })?.retryAfterMs).toBe(120_000);
  });

  it("falls back to Retry-After, then to the default second, when the header gives no time", () => {
    expect(throttled(4, { ...usage(0), "retry-after": "7" })?.retryAfterMs).toBe(7_000);
    expect(throttled(32, usage(0))?.retryAfterMs).toBe(1_000);
    for (const header of ["not json", "[]", '{"1":"pages"}', '{"1":[{"estimated_time_to_regain_access":"19"}]}', '{"1":[{"estimated_time_to_regain_access":-4}]}']) {
      expect(throttled(613, { "x-business-use-case-usage": header })?.retryAfterMs, header).toBe(1_000);
    }
  });
});
