import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../errors/error-codes.js";
import { CancelledError, RateLimitedError, TimeoutError, UnauthorizedError, UpstreamFailedError, ValidationError } from "../errors/errors.js";
import { createRedactor } from "../telemetry/redactor.js";
import { failureOutcome, STATUS_REASONS } from "./run-outcome.js";

const redactor = createRedactor({ keys: [] });
const outcome = (thrown: unknown, abortReason?: unknown) => failureOutcome(thrown, abortReason, "run-1", redactor);

describe("failureOutcome", () => {
  it("names a provider failure UPSTREAM_FAILED, not a handler bug", () => {
    const result = outcome(new UpstreamFailedError("Slack postMessage failed with HTTP 503", { isRetryable: true, details: { connector: "slack", status: 503 } }));
    expect(result).toMatchObject({ status: "FAILED", statusReason: "upstream_failed", stored: { code: "UPSTREAM_FAILED" } });
    expect(result.error.runId).toBe("run-1");
  });

  it("names a connection whose credentials the provider refused connection_unauthorized", () => {
    const expired = new UnauthorizedError("Slack postMessage failed: token_expired", { details: { connector: "slack", reason: "unauthorized" } });
    expect(outcome(expired)).toMatchObject({ status: "FAILED", statusReason: "connection_unauthorized", stored: { code: "UNAUTHORIZED" } });
    expect(outcome(new UnauthorizedError("not allowed"))).toMatchObject({ statusReason: "unauthorized" });
  });

  it("fails a run whose call timed out on its own deadline, and times out only a run whose deadline passed", () => {
    const callTimeout = new TimeoutError("Slack postMessage took longer than 10000 ms.", { isRetryable: true });
    expect(outcome(callTimeout)).toMatchObject({ status: "FAILED", statusReason: "call_timeout", stored: { code: "TIMEOUT" } });
    const runDeadline = new TimeoutError("The run did not finish within 5000 ms.");
    expect(outcome(callTimeout, runDeadline)).toMatchObject({ status: "TIMED_OUT", statusReason: "timeout", error: runDeadline });
  });

  it("keeps rate limits, cancellations and bad output apart", () => {
    expect(outcome(new RateLimitedError("slow down", 1_000, { details: { connector: "x" } }))).toMatchObject({ status: "FAILED", statusReason: "rate_limited" });
    expect(outcome(new Error("aborted"), new CancelledError("shut down", { details: { reason: "shutdown" } }))).toMatchObject({ status: "CANCELLED", statusReason: "shutdown" });
    expect(outcome(new ValidationError("bad output", [], { details: { source: "output" } }))).toMatchObject({ status: "FAILED", statusReason: "output_invalid" });
  });

  it("tells a call the handler made that was refused as invalid from output that does not match the schema", () => {
    const refusedCall = new ValidationError("YouTube channel ids start with UC", [{ path: "channelId", message: "Must start with UC" }], { details: { connector: "youtube" } });
    expect(outcome(refusedCall)).toMatchObject({ status: "FAILED", statusReason: "call_invalid", stored: { code: "VALIDATION_FAILED" } });
  });

  it("calls anything else a handler failure, with a redacted message", () => {
    expect(outcome(new TypeError("x is undefined"))).toMatchObject({ status: "FAILED", statusReason: "handler_failed", stored: { code: "HANDLER_FAILED", message: "x is undefined" } });
  });

  it("has a reason for every code", () => {
    expect(Object.keys(STATUS_REASONS).sort()).toEqual(Object.values(ERROR_CODES).sort());
  });
});
