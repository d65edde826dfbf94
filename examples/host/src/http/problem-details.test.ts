import { AlreadyExistsError, StoreUnavailableError } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import { problemFromNeonhubError } from "./problem-details.js";

describe("problemFromNeonhubError", () => {
  it("answers a record a store already holds 409 Conflict with its message, not an outage to retry", () => {
    const problem = problemFromNeonhubError(new AlreadyExistsError("API key", ["id"]));
    expect(problem).toEqual({
      type: "urn:neonhub:problem:already-exists",
      title: "Conflict",
      status: 409,
      detail: "The API key was not stored: one with the same id is already stored.",
      code: "ALREADY_EXISTS",
    });
    expect(problemFromNeonhubError(new StoreUnavailableError("down"))).toMatchObject({ status: 503, retryAfterSeconds: 5 });
  });
});
