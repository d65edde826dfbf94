import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "./error-codes.js";
import {
  AgentNotFoundError,
  CancelledError,
  CircuitOpenError,
  ConfigurationError,
  HandlerFailedError,
  IdempotencyConflictError,
  RateLimitedError,
  RunNotFoundError,
  StoreUnavailableError,
  TimeoutError,
  UnauthorizedError,
  UpstreamFailedError,
  ValidationError,
} from "./errors.js";
import { ChildRunFailedError, ChildRunLimitError, LeaseLostError, NonDeterministicError, SignalConflictError, StepOutcomeUnknownError, TakeoverLimitError } from "./durable-errors.js";
import { ContentRefusedError } from "./content-refused-error.js";
import { AlreadyExistsError } from "./already-exists-error.js";
import { InvalidScheduleError, ScheduleNotFoundError } from "./schedule-errors.js";
import { isTransientError } from "./is-transient-error.js";
import { NeonhubError, isNeonhubError } from "./neonhub-error.js";

const cases: Array<[NeonhubError, string, boolean]> = [
  [new ValidationError("bad", [{ path: "input.text", message: "Required" }]), "VALIDATION_FAILED", false],
  [new UnauthorizedError("who"), "UNAUTHORIZED", false],
  [new AgentNotFoundError("ghost", ["echo", "seo"]), "AGENT_NOT_FOUND", false],
  [new RunNotFoundError("run-1"), "RUN_NOT_FOUND", false],
  [new RateLimitedError("slow", 1_500), "RATE_LIMITED", true],
  [new CircuitOpenError("echo", 9_000), "CIRCUIT_OPEN", false],
  [new TimeoutError("late"), "TIMEOUT", false],
  [new CancelledError(), "CANCELLED", false],
  [new IdempotencyConflictError("key-1"), "IDEMPOTENCY_CONFLICT", false],
  [new HandlerFailedError("boom"), "HANDLER_FAILED", false],
  [new UpstreamFailedError("provider down"), "UPSTREAM_FAILED", false],
  [new StoreUnavailableError("down"), "STORE_UNAVAILABLE", true],
  [new ConfigurationError("bad option"), "CONFIGURATION_INVALID", false],
  [new NonDeterministicError("moved"), "NON_DETERMINISTIC", false],
  [new StepOutcomeUnknownError("unknown", { stepKey: "x.createPost#0" }), "STEP_OUTCOME_UNKNOWN", false],
  [new LeaseLostError("run-1"), "LEASE_LOST", false],
  [new SignalConflictError("run-1", "Run run-1 already received signal approval."), "SIGNAL_CONFLICT", false],
  [new ContentRefusedError("duplicate", { reason: "duplicate" }), "CONTENT_REFUSED", false],
  [new ChildRunFailedError({ childRunId: "c1", agentName: "embed", status: "FAILED", error: { code: "TIMEOUT", message: "late" } }), "CHILD_RUN_FAILED", false],
  [new ChildRunLimitError("too deep"), "CHILD_RUN_LIMIT", false],
  [new TakeoverLimitError({ id: "run-1", agentName: "crasher", takeovers: 6 }, 5), "TAKEOVER_LIMIT", false],
  [new InvalidScheduleError("bad cron", [{ path: "cron", message: "Invalid" }]), "INVALID_SCHEDULE", false],
  [new ScheduleNotFoundError("schedule-1"), "SCHEDULE_NOT_FOUND", false],
  [new AlreadyExistsError("API key", ["id"]), "ALREADY_EXISTS", false],
];

describe("errors", () => {
  it.each(cases)("%s has code %s and retryability %s", (error, code, retryable) => {
    expect(error.code).toBe(code);
    expect(error.isRetryable).toBe(retryable);
    expect(error).toBeInstanceOf(Error);
    expect(NeonhubError.isInstance(error)).toBe(true);
    expect(isNeonhubError(error, code as never)).toBe(true);
    expect(isTransientError(error)).toBe(retryable);
  });

  it("covers every stable code", () => {
    expect(new Set(cases.map(([, code]) => code))).toEqual(new Set(Object.values(ERROR_CODES)));
  });

  it("recognises errors from another copy of the package by their brand", () => {
    const foreign = Object.assign(new Error("elsewhere"), { [Symbol.for("@neonhub/core/error")]: true, code: "TIMEOUT" });
    expect(isNeonhubError(foreign, "TIMEOUT")).toBe(true);
    expect(isNeonhubError(new Error("plain"))).toBe(false);
    expect(isNeonhubError({ code: "TIMEOUT" })).toBe(false);
  });

  it("tells codes apart in the guard", () => {
    expect(isNeonhubError(new TimeoutError("late"), "CANCELLED")).toBe(false);
  });

  it("carries retry-after, run id, field errors and a safe JSON form", () => {
    const error = new RateLimitedError("slow", 1_500, { runId: "run-9" });
    expect(error.toJSON()).toEqual({ name: "RateLimitedError", code: "RATE_LIMITED", message: "slow", retryAfterMs: 1_500, runId: "run-9" });
    const validation = new ValidationError("bad", [{ path: "a", message: "Required" }]);
    expect(validation.fieldErrors).toEqual([{ path: "a", message: "Required" }]);
    expect(validation.details).toEqual({ fieldErrors: [{ path: "a", message: "Required" }] });
    expect(new AgentNotFoundError("ghost", ["echo"]).message).toContain("echo");
    const duplicate = new AlreadyExistsError("API key", ["id", "keyHash"]);
    expect(duplicate.fields).toEqual(["id", "keyHash"]);
    expect(duplicate.toJSON()).toEqual({ name: "AlreadyExistsError", code: "ALREADY_EXISTS", message: "The API key was not stored: one with the same id and keyHash is already stored.", details: { fields: ["id", "keyHash"] } });
    expect(duplicate.isRetryable).toBe(false);
  });

  it("keeps the cause", () => {
    const cause = new Error("socket hang up");
    expect(new StoreUnavailableError("down", { cause }).cause).toBe(cause);
  });

  it("treats network error codes and retryable flags as transient, other errors not", () => {
    expect(isTransientError(Object.assign(new Error("reset"), { code: "ECONNRESET" }))).toBe(true);
    expect(isTransientError(new Error("x", { cause: Object.assign(new Error("y"), { code: "ETIMEDOUT" }) }))).toBe(true);
    expect(isTransientError(Object.assign(new Error("flaky"), { retryable: true }))).toBe(true);
    expect(isTransientError(new TypeError("bug"))).toBe(false);
    expect(isTransientError("string")).toBe(false);
    expect(isTransientError(new HandlerFailedError("flaky", { isRetryable: true }))).toBe(true);
  });
});
