import { describe, expect, it } from "vitest";
import { listeningTestHostAroundSuite } from "../testing/listening-test-host.js";

const suite = listeningTestHostAroundSuite();

// RFC 9110 section 15.5.2: a 401 carries a challenge; RFC 6750 section 3 says which.
describe("the challenge of a 401", () => {
  it("asks for a bearer token when the request carried none", async () => {
    const response = await fetch(`${suite.baseUrl}/v1/agents`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="neonhub"');
  });

  it("says invalid_token, and nothing more, for an unknown, revoked or malformed key", async () => {
    for (const authorization of ["Bearer nh_unknown_key_that_was_never_issued", `Bearer ${suite.host.keys.revoked}`, "Basic dXNlcjpwYXNz"]) {
      const response = await fetch(`${suite.baseUrl}/v1/agents`, { headers: { authorization } });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="neonhub", error="invalid_token"');
    }
  });

  it("comes with a refused sign-in and an ended session too", async () => {
    const signIn = await fetch(`${suite.baseUrl}/ui/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ apiKey: suite.host.keys.revoked }) });
    expect(signIn.status).toBe(401);
    expect(signIn.headers.get("www-authenticate")).toBe('Bearer realm="neonhub"');
    const ended = await fetch(`${suite.baseUrl}/v1/agents`, { headers: { cookie: `neonhub_session=${"a".repeat(43)}` } });
    expect(ended.status).toBe(401);
    expect(ended.headers.get("www-authenticate")).toBe('Bearer realm="neonhub"');
  });

  it("is absent from answers other than 401", async () => {
    const response = await fetch(`${suite.baseUrl}/v1/agents`, { headers: { authorization: `Bearer ${suite.host.keys.alpha}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("www-authenticate")).toBeNull();
  });
});
