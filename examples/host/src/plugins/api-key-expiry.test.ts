import { createManualClock } from "@neonhub/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_API_KEY_CACHE_TTL_MS } from "../auth/cached-api-key-store.js";
import { issueApiKey } from "../auth/issue-api-key.js";
import { createTestHost, type TestHost } from "../testing/create-test-host.js";

const EXPIRY = Date.UTC(2026, 5, 1, 12);
const time = createManualClock(EXPIRY - 60_000);
let host: TestHost;
let baseUrl: string;
let expiring: string;
beforeAll(async () => {
  host = await createTestHost({ clock: time, apiKeyCacheTtlMs: DEFAULT_API_KEY_CACHE_TTL_MS });
  baseUrl = await host.app.listen({ host: "127.0.0.1", port: 0 });
  ({ key: expiring } = await issueApiKey(host.apiKeyStore, { organizationId: "org_alpha", userId: "user_alpha", name: "rotating", expiresAt: new Date(EXPIRY) }, { clock: time }));
});
afterAll(async () => {
  await host.app.close();
});

const agents = (key: string) => fetch(`${baseUrl}/v1/agents`, { headers: { authorization: `Bearer ${key}` } });
const signIn = (apiKey: string) => fetch(`${baseUrl}/ui/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ apiKey }) });

describe("an API key with an expiry, over HTTP", () => {
  it("works until the millisecond before it expires, and from its expiry is answered as an unknown key, though cached", async () => {
    await time.set(EXPIRY - DEFAULT_API_KEY_CACHE_TTL_MS + 2);
    expect((await agents(expiring)).status).toBe(200);
    await time.set(EXPIRY - 1);
    // Still within the cache's time: the key is answered from memory, with its expiry.
    expect((await agents(expiring)).status).toBe(200);
    const session = (await signIn(expiring)).headers.get("set-cookie")?.split(";")[0] ?? "";
    expect((await fetch(`${baseUrl}/ui/session`, { headers: { cookie: session } })).status).toBe(200);
    await time.set(EXPIRY);
    // A session signed in with the key ends with it, as the key is looked up on every request.
    expect((await fetch(`${baseUrl}/ui/session`, { headers: { cookie: session } })).status).toBe(401);
    const expired = await agents(expiring);
    const unknown = await agents("nh_unknown_key_that_was_never_issued");
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toBe('Bearer realm="neonhub", error="invalid_token"');
    expect(expired.headers.get("www-authenticate")).toBe(unknown.headers.get("www-authenticate"));
    expect(expired.headers.get("content-type")).toBe(unknown.headers.get("content-type"));
    expect(await expired.json()).toEqual(await unknown.json());
    // Other keys go on working.
    expect((await agents(host.keys.alpha)).status).toBe(200);
  });

  it("refuses an expired key at the inspector's sign-in like an unknown one", async () => {
    await time.set(Math.max(time.now(), EXPIRY));
    const expired = await signIn(expiring);
    const unknown = await signIn("nh_unknown_key_that_was_never_issued");
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual(await unknown.json());
  });
});
