import { describe, expect, it } from "vitest";
import { z } from "zod";
import { locateFieldErrors } from "./locate-field-errors.js";

const schemas = { body: z.object({ input: z.unknown(), agent: z.string() }).strict(), querystring: z.object({ cursor: z.string() }) };
const message = "is invalid";

describe("locateFieldErrors", () => {
  it("names a field of the body or the query by where the request carries it", () => {
    expect(locateFieldErrors([{ path: "input.items.3", message }, { path: "agent", message }, { path: "cursor", message }], schemas).map((field) => field.path)).toEqual([
      "body.input.items.3",
      "body.agent",
      "querystring.cursor",
    ]);
  });

  it("leaves paths already located, and fields the request does not carry, as they are", () => {
    const fields = [{ path: "body.input", message }, { path: "params.id", message }, { path: "organizationId", message }, { path: "", message }];
    expect(locateFieldErrors(fields, schemas)).toEqual(fields);
    expect(locateFieldErrors([{ path: "input", message }], undefined)).toEqual([{ path: "input", message }]);
  });
});
