import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createHostLogger, redactRequestUrl } from "./create-logger.js";

const SECRET = "s3cr3t-value-that-must-not-be-logged";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  return { logger: createHostLogger({ logLevel: "info" }, destination), lines };
}

describe("the host logger", () => {
  it("drops token, secret and key fields at the top of a line, in its details and in a logged error's details", () => {
    const { logger, lines } = capture();
    logger.info({ credentials: { accessToken: SECRET } }, "whole credentials");
    logger.info({ accessToken: SECRET, refreshToken: SECRET, clientSecret: SECRET, codeVerifier: SECRET, apiKey: SECRET }, "top level");
    logger.info({ details: { refresh_token: SECRET, access_token: SECRET, client_secret: SECRET } }, "in details");
    logger.error({ err: Object.assign(new Error("refresh refused"), { details: { refreshToken: SECRET } }) }, "failed");
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).not.toContain(SECRET);
    expect(lines.join("")).toContain("[REDACTED]");
    expect(lines[3]).toContain("refresh refused");
  });

  it("keeps the values of secret query parameters out of request URLs", () => {
    expect(redactRequestUrl(`/v1/oauth/callback?code=${SECRET}&state=${SECRET}&iss=https%3A%2F%2Fidp`)).toBe("/v1/oauth/callback?code=[REDACTED]&state=[REDACTED]&iss=https%3A%2F%2Fidp");
    expect(redactRequestUrl(`/?connector=acme&status=confirm&grant=${SECRET}#/connections`)).toBe("/?connector=acme&status=confirm&grant=[REDACTED]#/connections");
  });
});
