import { describe, expect, it } from "vitest";
import { indexedTexts, refuseUnreadableTexts, refuseUnstorableTexts } from "./store-text-checks.js";

const NUL_PROBLEM = "Must not contain the NUL character (U+0000)";
const SURROGATE_PROBLEM = "Must not contain unpaired UTF-16 surrogates";

describe("texts a store keeps or looks up", () => {
  it("refuses every text holding NUL or an unpaired surrogate, naming each field, and passes pairs and non-texts", () => {
    expect(() => refuseUnstorableTexts("schedule", { cron: "0 9 * * *", timeZone: "UTC\u0000", createdBy: "\uDC00user", enabled: true })).toThrow(
      expect.objectContaining({
        code: "VALIDATION_FAILED",
        isRetryable: false,
        message: "The schedule cannot be stored: timeZone must not contain the NUL character (U+0000); createdBy must not contain unpaired UTF-16 surrogates.",
        fieldErrors: [
          { path: "timeZone", message: NUL_PROBLEM },
          { path: "createdBy", message: SURROGATE_PROBLEM },
        ],
      }),
    );
    expect(() => refuseUnstorableTexts("schedule", { cron: "\uD83D\uDE00", timeZone: "\uFFFD", createdBy: null, note: undefined, limit: 5 })).not.toThrow();
  });

  it("says a looked-up text cannot be looked up, naming the field", () => {
    expect(() => refuseUnreadableTexts("run", { organizationId: "org-1", runId: "run\uD800" })).toThrow(
      expect.objectContaining({ message: "The run cannot be looked up: runId must not contain unpaired UTF-16 surrogates.", fieldErrors: [{ path: "runId", message: SURROGATE_PROBLEM }] }),
    );
    expect(() => refuseUnreadableTexts("run", { organizationId: "org\u0000", runId: "run-1" })).toThrow(expect.objectContaining({ fieldErrors: [{ path: "organizationId", message: NUL_PROBLEM }] }));
    expect(() => refuseUnreadableTexts("run", { organizationId: "org-1", runId: "run\uFFFD", parentRunId: undefined })).not.toThrow();
  });

  it("names each text of a list by its index", () => {
    expect(indexedTexts("agentNames", ["a", "b\u0000"])).toEqual({ "agentNames.0": "a", "agentNames.1": "b\u0000" });
    expect(() => refuseUnstorableTexts("claim", { owner: "host-1", ...indexedTexts("agentNames", ["a", "b\u0000"]) })).toThrow(
      expect.objectContaining({ fieldErrors: [{ path: "agentNames.1", message: NUL_PROBLEM }] }),
    );
  });
});
