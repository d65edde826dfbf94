import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { issueApiKey } from "../auth/issue-api-key.js";
import { sessionCookie } from "../inspector/session-cookie.js";
import { createTestHost, type TestHost } from "../testing/create-test-host.js";

let host: TestHost;
beforeEach(async () => {
  host = await createTestHost();
});
afterEach(async () => {
  await host.app.close();
});

const signIn = async (apiKey: string) => {
  const response = await host.app.inject({ method: "POST", url: "/ui/session", payload: { apiKey } });
  const cookie = String(response.headers["set-cookie"] ?? "");
  return { response, cookie: cookie.split(";")[0] ?? "", setCookie: cookie, csrfToken: response.json().csrfToken as string };
};

describe("inspector sessions", () => {
  it("exchanges a valid key for an HttpOnly, SameSite=Strict cookie that holds no key", async () => {
    const { response, setCookie, cookie } = await signIn(host.keys.alpha);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ organizationId: "org_alpha", userId: "user_alpha", csrfToken: expect.any(String) });
    expect(setCookie).toMatch(/^neonhub_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    expect(setCookie).not.toContain(host.keys.alpha);
    expect(response.headers["cache-control"]).toBe("no-store");
    const session = await host.app.inject({ method: "GET", url: "/ui/session", headers: { cookie } });
    expect(session.json()).toEqual(response.json());
  });

  it("marks the cookie Secure for HTTPS, and does not take a forwarded header's word for it", async () => {
    expect(sessionCookie("id", { maxAgeSeconds: 60, secure: true })).toBe("neonhub_session=id; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure");
    const https = await createTestHost();
    try {
      const response = await https.app.inject({ method: "POST", url: "/ui/session", payload: { apiKey: https.keys.alpha }, headers: { "x-forwarded-proto": "https" } });
      // Without trustProxy a forwarded header is ignored: the cookie is Secure only when this server itself serves HTTPS.
      expect(String(response.headers["set-cookie"])).not.toContain("Secure");
    } finally {
      await https.app.close();
    }
  });

  it("marks the cookie Secure when the public URL is HTTPS, though a proxy hands the request over plain HTTP", async () => {
    const behindProxy = await createTestHost({ publicUrl: "https://api.example.com" });
    try {
      const baseUrl = await behindProxy.app.listen({ host: "127.0.0.1", port: 0 });
      const response = await fetch(`${baseUrl}/ui/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ apiKey: behindProxy.keys.alpha }) });
      expect(response.status).toBe(200);
      expect(response.headers.get("set-cookie")).toMatch(/; HttpOnly; SameSite=Strict; Max-Age=28800; Secure$/);
      const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      const { csrfToken } = (await response.json()) as { csrfToken: string };
      const out = await fetch(`${baseUrl}/ui/session`, { method: "DELETE", headers: { cookie, "x-csrf-token": csrfToken } });
      expect(out.status).toBe(204);
      expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0; Secure$/);
    } finally {
      await behindProxy.app.close();
    }
    const plain = await createTestHost({ publicUrl: "http://localhost:3000" });
    try {
      const response = await plain.app.inject({ method: "POST", url: "/ui/session", payload: { apiKey: plain.keys.alpha } });
      expect(String(response.headers["set-cookie"])).not.toContain("Secure");
    } finally {
      await plain.app.close();
    }
  });

  it("refuses unknown and revoked keys with 401 and no cookie", async () => {
    for (const apiKey of ["nh_unknown", host.keys.revoked]) {
      const { response } = await signIn(apiKey);
      expect(response.statusCode).toBe(401);
      expect(response.headers["set-cookie"]).toBeUndefined();
    }
  });

  it("reads with the cookie alone but needs the CSRF token to change anything", async () => {
    const { cookie, csrfToken } = await signIn(host.keys.alpha);
    const list = await host.app.inject({ method: "GET", url: "/v1/runs", headers: { cookie } });
    expect(list.statusCode).toBe(200);
    const payload = { agent: "echo", input: { text: "from the browser" } };
    const forged = await host.app.inject({ method: "POST", url: "/v1/runs", headers: { cookie }, payload });
    expect(forged.statusCode).toBe(403);
    expect(forged.json()).toMatchObject({ code: "FORBIDDEN" });
    const wrong = await host.app.inject({ method: "POST", url: "/v1/runs", headers: { cookie, "x-csrf-token": `${csrfToken.slice(1)}x` }, payload });
    expect(wrong.statusCode).toBe(403);
    expect((await host.orchestrator.listRuns({ organizationId: "org_alpha", limit: 10 })).runs).toHaveLength(0);
    const made = await host.app.inject({ method: "POST", url: "/v1/runs", headers: { cookie, "x-csrf-token": csrfToken }, payload });
    expect(made.statusCode).toBe(200);
    expect(made.json()).toMatchObject({ organizationId: "org_alpha", userId: "user_alpha", status: "COMPLETED" });
  });

  it("shows only the key's organization", async () => {
    const mine = await host.app.inject({ method: "POST", url: "/v1/runs", headers: host.alpha, payload: { agent: "echo", input: { text: "alpha only" } } });
    const { cookie } = await signIn(host.keys.beta);
    const list = await host.app.inject({ method: "GET", url: "/v1/runs", headers: { cookie } });
    expect(list.json().runs).toEqual([]);
    expect((await host.app.inject({ method: "GET", url: `/v1/runs/${mine.json().id}`, headers: { cookie } })).statusCode).toBe(404);
  });

  it("signs out with the token, after which the cookie is worthless", async () => {
    const { cookie, csrfToken } = await signIn(host.keys.alpha);
    expect((await host.app.inject({ method: "DELETE", url: "/ui/session", headers: { cookie } })).statusCode).toBe(403);
    const out = await host.app.inject({ method: "DELETE", url: "/ui/session", headers: { cookie, "x-csrf-token": csrfToken } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers["set-cookie"])).toContain("Max-Age=0");
    expect((await host.app.inject({ method: "GET", url: "/v1/runs", headers: { cookie } })).statusCode).toBe(401);
  });

  it("ends a session when its key is revoked", async () => {
    const issued = await issueApiKey(host.apiKeyStore, { organizationId: "org_alpha", userId: "user_leaving", name: "leaving" });
    const { cookie } = await signIn(issued.key);
    expect((await host.app.inject({ method: "GET", url: "/v1/runs", headers: { cookie } })).statusCode).toBe(200);
    await host.apiKeyStore.revoke("org_alpha", issued.record.id);
    expect((await host.app.inject({ method: "GET", url: "/v1/runs", headers: { cookie } })).statusCode).toBe(401);
  });
});
