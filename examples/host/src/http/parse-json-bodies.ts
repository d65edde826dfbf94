import { ValidationError } from "@neonhub/core";
import type { FastifyInstance } from "fastify";
import { findDuplicateKey } from "./find-duplicate-key.js";

/**
 * Replaces Fastify's JSON body parser with one that reads an empty body as no body, then parses as before
 * (secure-json-parse, refusing `__proto__` and `constructor.prototype` keys) and refuses a key repeated within one
 * object with 400 `VALIDATION_FAILED` naming it (`body.input.a`).
 *
 * Some HTTP clients send `Content-Type: application/json` on every request, so a `DELETE` or a `POST .../cancel`
 * arrives with the header and no body: routes that take no body accept it as they accept a request without the
 * header, and routes that need a body answer as they do to a missing one (400 naming `body`). Repeated keys are
 * refused because `JSON.parse` keeps the last while a proxy or an audit log may keep the first. The scan only runs on
 * a body that parsed, so within the body limit and after the media type was accepted.
 */
export function parseJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body.toString();
    if (text.length === 0) return done(null, undefined);
    parseJson(request, text, (error, value) => {
      if (error) return done(error, undefined);
      const duplicate = findDuplicateKey(text);
      if (duplicate === null) return done(null, value);
      const path = ["body", ...duplicate].join(".");
      done(new ValidationError("The body repeats a key within one object.", [{ path, message: "appears more than once in its object" }]), undefined);
    });
  });
}
