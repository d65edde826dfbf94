import { existsSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "./free-port.js";
import { type HostProcess, printedDevelopmentKey, PROCESS_TEST_TIMEOUT_MS, runTsx, startHostProcess } from "./host-process.js";

// `pnpm oauth:local` as docs/connections.md runs it: authorize, consent, callback, an ACTIVE connection.
describe("the local OAuth host (dev/local-oauth.ts)", () => {
  let host: HostProcess | undefined;

  afterAll(async () => {
    if (host !== undefined && host.child.exitCode === null) await host.terminate();
  });

  it(
    "connects through its own authorization server from the defaults alone, and deletes its data at exit",
    async () => {
      const port = await freePort();
      // Unset, whatever the test runner's environment holds: the script fills them in.
      const unset = { DATABASE_URL: "", NEONHUB_DATA_DIR: "", NEONHUB_CREDENTIALS_KEY: "", NEONHUB_PUBLIC_URL: "", NEONHUB_CONNECTORS_MODE: "", NEONHUB_OAUTH_ALLOW_HTTP: "" };
      host = await startHostProcess({ ...unset, PORT: String(port) }, "dev/local-oauth.ts");
      const key = printedDevelopmentKey(host.stdout());
      expect(key).not.toBeNull();
      const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
      const dataDirectory = /Data in (\S+), deleted at exit\./.exec(host.stdout())?.[1];
      expect(dataDirectory !== undefined && existsSync(dataDirectory)).toBe(true);

      const started = await fetch(`${host.url}/v1/connections/local-oauth/authorize`, { method: "POST", headers, body: JSON.stringify({ returnUrl: `${host.url}/` }) });
      expect(started.status).toBe(200);
      const { authorizationUrl } = (await started.json()) as { authorizationUrl: string };
      expect(new URL(authorizationUrl).hostname).toBe("127.0.0.1");

      const consent = await fetch(authorizationUrl, { redirect: "manual" });
      const callback = consent.headers.get("location") ?? "";
      expect(callback.startsWith(`http://127.0.0.1:${port}/v1/oauth/callback?`)).toBe(true);
      const back = await fetch(callback, { redirect: "manual" });
      expect(back.headers.get("location")).toBe(`${host.url}/?connector=local-oauth&status=connected`);

      const listed = (await (await fetch(`${host.url}/v1/connections`, { headers })).json()) as { connections: Array<{ connector: string; status: string }> };
      expect(listed.connections).toEqual([expect.objectContaining({ connector: "local-oauth", status: "ACTIVE" })]);
      const tested = (await (await fetch(`${host.url}/v1/connections/local-oauth/test`, { method: "POST", headers: { authorization: headers.authorization } })).json()) as { ok: boolean };
      expect(tested.ok).toBe(true);

      expect(await host.terminate()).toBe(0);
      expect(existsSync(dataDirectory as string)).toBe(false);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it("refuses to make up a credentials key for a database that outlives it", async () => {
    const ended = await runTsx("dev/local-oauth.ts", [], { DATABASE_URL: "", NEONHUB_DATA_DIR: "./.neonhub-local-oauth-kept", NEONHUB_CREDENTIALS_KEY: "" });
    expect(ended.code).toBe(1);
    expect(ended.stderr).toContain("set NEONHUB_CREDENTIALS_KEY too");
  });
});
