import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startProviderServer } from "@neonhub/connectors/testing";
import { openNeonhubDatabase } from "@neonhub/persistence-prisma";
import { OAuth2Server } from "oauth2-mock-server";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildInspector } from "../scripts/build-inspector.mjs";
import { issueApiKey } from "../src/auth/issue-api-key.js";
import { HOST_DIRECTORY, PROCESS_TEST_TIMEOUT_MS, runTsx, startHostProcess, type HostProcess } from "./host-process.js";
import { freePort } from "./free-port.js";
import { createScratchDatabase } from "./scratch-database.js";

// Debian's chromium; browsers cannot be downloaded here. CI installs it (.ci/run).
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const DEVELOPMENT_KEY = "nh_inspector_browser_test_key_0123456789";
// Screenshots for docs/inspector.md are rewritten only when asked: `INSPECTOR_SCREENSHOTS=1 pnpm vitest run ...`.
const SCREENSHOT_DIRECTORY = process.env.INSPECTOR_SCREENSHOTS === "1" ? join(HOST_DIRECTORY, "..", "..", "docs", "images") : null;
// PostgreSQL when given (a database of its own, quick to start); the embedded database otherwise.
const baseUrl = process.env.TEST_DATABASE_URL;
const axeSource = (createRequire(import.meta.url)("axe-core") as { source: string }).source;

const seoInput = { siteUrl: "sc-domain:example.com", startDate: "2026-01-01", endDate: "2026-01-31" };

/** Runs axe-core on the page; returns the serious and critical violations. */
async function accessibilityViolations(page: Page): Promise<Array<{ id: string; impact: string; nodes: number }>> {
  // Evaluated through the protocol, so the page's content security policy stays in force for its own scripts.
  await page.evaluate(axeSource);
  const results = await page.evaluate<Array<{ id: string; impact: string; nodes: number }>>(
    "axe.run(document).then((result) => result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, nodes: violation.nodes.length })))",
  );
  return results.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOT_DIRECTORY) await page.screenshot({ path: join(SCREENSHOT_DIRECTORY, `${name}.png`) });
}

describe.skipIf(!existsSync(CHROMIUM))(`the inspector in headless Chromium (${CHROMIUM})`, { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  let dataDir: string;
  let assets: string;
  let host: HostProcess;
  let browser: Browser;
  let otherKey: string;
  let dropDatabase: (() => Promise<void>) | null = null;
  const pageErrors: string[] = [];

  const api = async (path: string, init: { method?: string; body?: unknown; key?: string } = {}) => {
    const response = await fetch(`${host.url}${path}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${init.key ?? DEVELOPMENT_KEY}`, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return (await response.json()) as Record<string, unknown>;
  };

  const signedInPage = async (key: string, url = host.url): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    const page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) pageErrors.push(message.text());
    });
    await page.goto(url);
    await page.getByLabel("API key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Runs" }).waitFor();
    return page;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "neonhub-inspector-"));
    assets = join(dataDir, "inspector");
    await buildInspector(assets);
    if (SCREENSHOT_DIRECTORY) await mkdir(SCREENSHOT_DIRECTORY, { recursive: true });
    const database: Record<string, string> = { NEONHUB_DATA_DIR: dataDir };
    if (baseUrl) {
      const scratch = await createScratchDatabase(baseUrl, "inspector_e2e");
      dropDatabase = scratch.drop;
      database.DATABASE_URL = scratch.url;
      const opened = await openNeonhubDatabase({ url: database.DATABASE_URL });
      otherKey = (await issueApiKey(opened.apiKeyStore, { organizationId: "org_other", userId: "user_other", name: "other" })).key;
      await opened.close();
    } else {
      const created = await runTsx("src/cli/keys.ts", ["create", "--org", "org_other", "--user", "user_other", "--name", "other"], { NEONHUB_DATA_DIR: dataDir });
      otherKey = /\n(nh_[A-Za-z0-9_-]+)\n/.exec(created.stdout)?.[1] as string;
    }
    host = await startHostProcess({
      ...database,
      NEONHUB_DEV_API_KEY: DEVELOPMENT_KEY,
      NEONHUB_INSPECTOR_ASSETS_DIR: assets,
      // Connector calls take a while, so runs can be watched and cancelled while they are open.
      NEONHUB_MOCK_LATENCY_MS: "1000",
      // The connections API is served when credentials can be stored encrypted; connectors stay in mock mode.
      NEONHUB_CREDENTIALS_KEY: "7f".repeat(32),
      NEONHUB_CONNECTORS_MODE: "mock",
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, PROCESS_TEST_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    if (host) await host.terminate();
    await dropDatabase?.();
    await rm(dataDir, { recursive: true, force: true });
  }, PROCESS_TEST_TIMEOUT_MS);

  it("signs in with a session cookie the page cannot read, starts a run and watches it finish live", async () => {
    const page = await signedInPage(DEVELOPMENT_KEY);
    expect(page.url()).not.toContain(DEVELOPMENT_KEY);
    const cookies = await page.context().cookies();
    expect(cookies.map(({ name, httpOnly, sameSite }) => ({ name, httpOnly, sameSite }))).toEqual([{ name: "neonhub_session", httpOnly: true, sameSite: "Strict" }]);
    expect(cookies[0]?.value).not.toContain(DEVELOPMENT_KEY);
    expect(await page.evaluate("document.cookie + JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")).toBe("{}{}");

    const form = page.locator("details.start-run");
    await form.locator("summary").click();
    await form.locator("option", { hasText: "seo-analyst" }).waitFor({ state: "attached" });
    await form.getByLabel("Agent").selectOption("seo-analyst");
    await form.getByLabel("Intent").fill("weekly SEO check");
    await form.getByLabel("Input (JSON)").fill(JSON.stringify(seoInput));
    await page.getByRole("button", { name: "Start", exact: true }).click();
    const row = page.locator("tbody tr", { hasText: "weekly SEO check" });
    // The row arrives through the live stream and changes status without a reload.
    await row.getByText("RUNNING").waitFor({ timeout: 10_000 });
    await row.getByText("COMPLETED").waitFor({ timeout: 15_000 });
    await page.getByText("Runs per minute by status").waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, "inspector-runs");

    await row.getByRole("link").click();
    await page.getByRole("heading", { name: "Steps" }).waitFor();
    const step = page.locator("tr[data-step='google-search-console.querySearchAnalytics#0']");
    await step.getByText("SUCCEEDED").waitFor();
    // The call its step made is shown once: as the step, not again as a tool execution.
    expect(await page.locator("tr[data-step^='google-search-console.querySearchAnalytics']").count()).toBe(1);
    expect(await page.locator(".io pre").first().textContent()).toContain("sc-domain:example.com");
    // Started without a timeoutMs, the run is bounded by its agent's own timeout.
    expect(await page.locator(".timeline dt:text-is('Timeout') + dd").textContent()).toBe("agent default");
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, "inspector-run");
    expect(pageErrors).toEqual([]);
  });

  it("shows a failed run's error and cancels an open run", async () => {
    const failed = await api("/v1/runs", { method: "POST", body: { agent: "budget-guard", intent: "guard a missing campaign", input: { customerId: "123-456-7890", campaignId: "404", budget: 100 }, timeoutMs: 30_000 } });
    expect(failed.status).toBe("FAILED");
    const page = await signedInPage(DEVELOPMENT_KEY);
    await page.goto(`${host.url}/#/runs/${String(failed.id)}`);
    const error = page.locator(".run-error");
    await error.waitFor();
    expect(await error.textContent()).toContain("HANDLER_FAILED");
    expect(await error.textContent()).toContain("has no spend");
    expect(await page.locator(".timeline dt:text-is('Timeout') + dd").textContent()).toBe("30 s");
    await page.getByRole("button", { name: "Retry as a new run" }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, "inspector-failed-run");

    const open = await api("/v1/runs", { method: "POST", body: { agent: "seo-analyst", intent: "to be cancelled", input: seoInput, async: true } });
    await page.goto(`${host.url}/#/runs/${String(open.id)}`);
    await page.getByRole("button", { name: "Cancel run" }).click();
    await page.locator("#run-heading").getByText("CANCELLED").waitFor({ timeout: 10_000 });
    expect((await api(`/v1/runs/${String(open.id)}`)).status).toBe("CANCELLED");
    expect(host.stdout()).toMatch(/"audit":"run\.cancel".*"userId":"[^"]+".*"msg":"run cancelled"/);
    expect(host.stdout()).not.toContain(DEVELOPMENT_KEY);
    expect(pageErrors).toEqual([]);
  });

  it("approves one waiting run and rejects another, each answer recorded with who gave it", async () => {
    // A pause of a campaign spending at least `approvalAbove` waits for a person's approval.
    const guard = { customerId: "123-456-7890", budget: 1, approvalAbove: 0 };
    const [approved, rejected] = await Promise.all([
      api("/v1/runs", { method: "POST", body: { agent: "budget-guard", intent: "pause after approval", input: guard, async: true } }),
      api("/v1/runs", { method: "POST", body: { agent: "budget-guard", intent: "pause refused", input: guard, async: true } }),
    ]);
    const page = await signedInPage(DEVELOPMENT_KEY);
    const answer = async (runId: string, button: "Approve" | "Reject", note: string) => {
      await page.goto(`${host.url}/#/runs/${runId}`);
      await page.locator("#run-heading").getByText("WAITING").waitFor({ timeout: 15_000 });
      const approval = page.getByRole("group", { name: "Approval" });
      await approval.getByLabel("Note").fill(note);
      if (button === "Approve") {
        expect(await accessibilityViolations(page)).toEqual([]);
        await screenshot(page, "inspector-approval");
      }
      await approval.getByRole("button", { name: button }).click();
      await page.locator("#run-heading").getByText("COMPLETED").waitFor({ timeout: 15_000 });
      return (await api(`/v1/runs/${runId}`)) as { userId: string; output: { paused: boolean; approval: { status: string; by: string; note: string } } };
    };
    const yes = await answer(String(approved.id), "Approve", "spend is off track");
    expect(yes.output.approval).toMatchObject({ status: "approved", by: yes.userId, note: "spend is off track" });
    expect(yes.output.paused).toBe(true);
    // The output shown on the page carries who approved.
    expect(await page.locator(".io pre").nth(1).textContent()).toContain(`"by": "${yes.userId}"`);
    const no = await answer(String(rejected.id), "Reject", "keep it running");
    expect(no.output.approval).toMatchObject({ status: "rejected", by: no.userId, note: "keep it running" });
    expect(no.output.paused).toBe(false);
    for (const runId of [approved.id, rejected.id]) {
      expect(host.stdout()).toMatch(new RegExp(`"audit":"run\\.signal","runId":"${String(runId)}","signal":"approval".*"userId":"${yes.userId}".*"msg":"run signalled"`));
    }
    expect(pageErrors).toEqual([]);
  });

  it("shows a run's child runs as a tree and beside the steps that read them, each linking to its own page", async () => {
    const pipeline = await api("/v1/runs", { method: "POST", body: { agent: "intake-pipeline", intent: "intake two documents", input: { channelId: `UC${"a".repeat(22)}`, maxResults: 2 }, async: true } });
    const page = await signedInPage(DEVELOPMENT_KEY);
    await page.goto(`${host.url}/#/runs/${String(pipeline.id)}`);
    await page.locator("#run-heading").getByText("COMPLETED").waitFor({ timeout: 20_000 });
    const tree = page.getByRole("list", { name: "Child runs" });
    await tree.locator("li[data-child-run='intake-fetch']").getByText("COMPLETED", { exact: true }).waitFor();
    const detail = (await api(`/v1/runs/${String(pipeline.id)}`)) as { children: Array<{ id: string; agentName: string; status: string }> };
    expect(detail.children.length).toBeGreaterThanOrEqual(3);
    expect(detail.children.every((child) => child.status === "COMPLETED")).toBe(true);
    expect(await tree.locator(":scope > li").count()).toBe(detail.children.length);
    expect((await tree.locator(":scope > li > a").allTextContents()).sort()).toEqual(detail.children.map((child) => child.agentName).sort());
    // Each CHILD step links to the child whose result it read: every child, once.
    const fetchChild = detail.children.find((child) => child.agentName === "intake-fetch");
    await page.locator("tr[data-step='agent:intake-fetch#0/result']").getByRole("link", { name: `child run ${String(fetchChild?.id)}` }).waitFor();
    const resultLinks = await page.locator("tr[data-step$='/result'] a").all();
    const linked = await Promise.all(resultLinks.map((link) => link.getAttribute("href")));
    expect(linked.sort()).toEqual(detail.children.map((child) => `#/runs/${child.id}`).sort());
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole("heading", { name: "Child runs" }).scrollIntoViewIfNeeded();
    await screenshot(page, "inspector-run-tree");
    // A child's page names its parent.
    await tree.locator("li[data-child-run='intake-fetch'] > a").click();
    await page.locator("#run-heading").getByText("intake-fetch").waitFor();
    await page.getByRole("link", { name: String(pipeline.id) }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it("connects a connector with the form its auth asks for, tests it and revokes it", async () => {
    const page = await signedInPage(DEVELOPMENT_KEY);
    await page.getByRole("link", { name: "Connections" }).click();
    const stripe = page.locator("tr[data-connector='stripe']");
    await stripe.getByText("not connected", { exact: true }).waitFor();
    expect(await stripe.locator("td").first().textContent()).toBe("bearer token");
    await stripe.getByRole("button", { name: "Connect Stripe" }).click();
    // Stripe authenticates with a bearer API key: the form asks for exactly that field.
    const form = page.getByRole("form", { name: "Connect Stripe" });
    expect(await form.locator("input").count()).toBe(1);
    await form.getByLabel("api key").fill("sk_test_inspector_secret_value");
    await form.getByRole("button", { name: "Save connection" }).click();
    await stripe.getByText("ACTIVE", { exact: true }).waitFor();
    // Basic auth asks for both of its fields.
    await page.locator("tr[data-connector='sms']").getByRole("button", { name: "Connect SMS" }).click();
    expect(await page.getByRole("form", { name: "Connect SMS" }).locator("input").count()).toBe(2);
    expect(await accessibilityViolations(page)).toEqual([]);
    await stripe.scrollIntoViewIfNeeded();
    await screenshot(page, "inspector-connections");

    await stripe.getByRole("button", { name: "Test Stripe" }).click();
    await stripe.getByRole("status").getByText(/Test passed/).waitFor();
    await stripe.getByRole("button", { name: "Revoke Stripe" }).click();
    await stripe.getByText("REVOKED", { exact: true }).waitFor();
    expect(await stripe.getByRole("button", { name: "Test Stripe" }).isDisabled()).toBe(true);
    await stripe.getByRole("button", { name: "Reconnect Stripe" }).waitFor();
    const listed = (await api("/v1/connections")) as { connections: Array<{ connector: string; status: string }> };
    expect(listed.connections).toEqual([expect.objectContaining({ connector: "stripe", status: "REVOKED" })]);
    await stripe.getByRole("button", { name: "Disconnect Stripe" }).click();
    await stripe.getByText("not connected", { exact: true }).waitFor();
    expect(((await api("/v1/connections")) as { connections: unknown[] }).connections).toEqual([]);
    expect(await page.content()).not.toContain("sk_test_inspector_secret_value");
    expect(host.stdout()).not.toContain("sk_test_inspector_secret_value");
    expect(pageErrors).toEqual([]);
  });

  it("connects with OAuth through a local authorization server and back to the page, and says when it was refused", async () => {
    const authorizationServer = new OAuth2Server();
    await authorizationServer.issuer.keys.generate("RS256");
    await authorizationServer.start(0, "127.0.0.1");
    const issuer = authorizationServer.issuer.url as string;
    const accessTokens = new Set<string>();
    let refuse = false;
    authorizationServer.service.on("beforeResponse", (response: { body: Record<string, unknown> | "" }) => {
      if (typeof response.body === "object" && typeof response.body.access_token === "string") accessTokens.add(response.body.access_token);
    });
    // The person refuses: the provider sends the browser back with an error instead of a code (RFC 6749, 4.1.2.1).
    authorizationServer.service.on("beforeAuthorizeRedirect", ({ url }: { url: URL }) => {
      if (!refuse) return;
      url.searchParams.delete("code");
      url.searchParams.set("error", "access_denied");
    });
    const accountApi = await startProviderServer((request) =>
      accessTokens.has((request.headers.authorization ?? "").replace(/^Bearer /, "")) ? { status: 200, text: "acct_browser" } : { status: 401, json: { error: "invalid_token" } },
    );
    const scratch = baseUrl ? await createScratchDatabase(baseUrl, "inspector_oauth") : null;
    // The redirect URI and the page's return URL name the port, so it is chosen first.
    const port = await freePort();
    let oauthHost: HostProcess | null = null;
    try {
      oauthHost = await startHostProcess(
        {
          ...(scratch ? { DATABASE_URL: scratch.url } : { NEONHUB_DATA_DIR: join(dataDir, "oauth") }),
          PORT: String(port),
          NEONHUB_PUBLIC_URL: `http://127.0.0.1:${port}`,
          NEONHUB_DEV_API_KEY: DEVELOPMENT_KEY,
          NEONHUB_INSPECTOR_ASSETS_DIR: assets,
          NEONHUB_CREDENTIALS_KEY: "7f".repeat(32),
          NEONHUB_CONNECTORS_MODE: "live",
          NEONHUB_OAUTH_ACME_OAUTH_CLIENT_ID: "inspector-client",
          NEONHUB_OAUTH_ACME_OAUTH_CLIENT_SECRET: "inspector-client-secret",
          NEONHUB_OAUTH_ALLOW_HTTP: "true",
          // The host requires confirm completion: the page confirms with its session on the way back.
          NEONHUB_OAUTH_COMPLETION: "confirm",
          NEONHUB_SCHEDULER_INTERVAL_MS: "0",
          AUTHORIZATION_SERVER_URL: issuer,
          TOKEN_URL: `${issuer}/token`,
          API_URL: accountApi.url,
        },
        "test/oauth-host-process.ts",
      );
      const page = await signedInPage(DEVELOPMENT_KEY, oauthHost.url);
      await page.getByRole("link", { name: "Connections" }).click();
      const acme = page.locator("tr[data-connector='acme-oauth']");
      await acme.getByText("not connected", { exact: true }).waitFor();
      // No NEONHUB_OAUTH_RETURN_URLS: the host's own address is where its inspector comes back to.
      await acme.getByRole("button", { name: "Connect with OAuth (Acme OAuth)" }).click();
      await page.getByRole("status").getByText("Acme OAuth is connected with OAuth.").waitFor();
      await acme.getByText("ACTIVE", { exact: true }).waitFor();
      // The outcome, its grant included, was read once and taken off the address.
      expect(page.url()).toBe(`${oauthHost.url}/#/connections`);
      await acme.getByRole("button", { name: "Test Acme OAuth" }).click();
      await acme.getByRole("status").getByText(/Test passed/).waitFor();
      expect(accountApi.requests.at(-1)?.headers.authorization).toMatch(/^Bearer .+/);

      refuse = true;
      await acme.getByRole("button", { name: "Reconnect with OAuth (Acme OAuth)" }).click();
      await page.getByRole("alert").getByText("Acme OAuth was not connected: access was refused at the provider (access_denied).").waitFor();
      // The connection made before is kept.
      await acme.getByText("ACTIVE", { exact: true }).waitFor();
      expect(accessTokens.size).toBe(1);
      // A grant this session cannot confirm (unknown, used, or someone else's) is reported, and nothing changes.
      await page.goto(`${oauthHost.url}/?connector=acme-oauth&status=confirm&grant=${"A".repeat(43)}#/connections`);
      await page.getByRole("alert").getByText("Acme OAuth was not connected: The grant is unknown or was already used; start the connection again.").waitFor();
      await acme.getByText("ACTIVE", { exact: true }).waitFor();
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await oauthHost?.terminate();
      await accountApi.close();
      await authorizationServer.stop();
      await scratch?.drop();
    }
  });

  it("shows agents with their breaker, limit and last hour", async () => {
    const page = await signedInPage(DEVELOPMENT_KEY);
    await page.getByRole("link", { name: "Agents" }).click();
    const seo = page.locator("tr[data-agent='seo-analyst']");
    await seo.getByText("closed").waitFor();
    // The success rate of the last hour, as the store counts it: the guard's failed run and its two answered ones.
    const summary = (await api("/v1/runs/summary")) as { agents: Array<{ agentName: string; completed: number; failed: number }> };
    const guard = summary.agents.find((agent) => agent.agentName === "budget-guard");
    expect(guard).toMatchObject({ completed: 2, failed: 1 });
    await page.locator("tr[data-agent='budget-guard'] td:nth-child(6)").getByText("67%", { exact: true }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, "inspector-agents");
  });

  it("says on the agents page that the last hour is loading, then that it is unavailable when its summary fails", async () => {
    const page = await signedInPage(DEVELOPMENT_KEY);
    let answerSummary: () => void = () => undefined;
    const summaryHeld = new Promise<void>((resolve) => {
      answerSummary = resolve;
    });
    await page.route("**/v1/runs/summary*", async (route) => {
      await summaryHeld;
      await route.fulfill({ status: 503, contentType: "application/problem+json", body: JSON.stringify({ code: "UNAVAILABLE", detail: "summary down" }) });
    });
    await page.getByRole("link", { name: "Agents" }).click();
    const lastHour = page.locator("tr[data-agent='seo-analyst']").locator("td:nth-child(5), td:nth-child(6), td:nth-child(7)");
    await page.locator("tr[data-agent='seo-analyst']").waitFor();
    // Not "0", "–", "–": that would read as an hour without runs.
    expect(await lastHour.allTextContents()).toEqual(["…loading", "…loading", "…loading"]);
    answerSummary();
    await page.getByRole("alert").getByText("summary down").waitFor();
    expect(await lastHour.allTextContents()).toEqual(["unavailable", "unavailable", "unavailable"]);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("shows another organization none of these runs", async () => {
    const mine = (await api("/v1/runs?limit=1")) as { runs: Array<{ id: string }> };
    const runId = mine.runs[0]?.id as string;
    expect(runId).toBeTruthy();
    // Nor can it act on them: cancelling or answering another organization's run is not found.
    for (const path of [`/v1/runs/${runId}/cancel`, `/v1/runs/${runId}/signals/approval`]) {
      expect(await api(path, { method: "POST", key: otherKey, body: path.endsWith("approval") ? { payload: { approved: true } } : undefined })).toMatchObject({ status: 404 });
    }
    const page = await signedInPage(otherKey);
    expect(await page.locator(".who").textContent()).toContain("org_other");
    await page.getByText("No runs match these filters.").waitFor();
    expect(await page.locator("tbody tr").count()).toBe(0);
    await page.goto(`${host.url}/#/runs/${runId}`);
    await page.getByRole("alert").getByText(/not found|No run/i).waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API key").waitFor();
    expect(await page.context().cookies()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  // After the test above, which finds the other organization without runs.
  it("shows a breaker that opened after sign-in when the agents page is opened again", async () => {
    const page = await signedInPage(otherKey);
    await page.getByRole("link", { name: "Agents" }).click();
    const guard = page.locator("tr[data-agent='budget-guard']");
    await guard.getByText("closed").waitFor();
    // Failed runs in a row (three, the default threshold) open this organization's breaker of the agent.
    const missingCampaign = { agent: "budget-guard", intent: "guard a missing campaign", input: { customerId: "123-456-7890", campaignId: "404", budget: 100 } };
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(await api("/v1/runs", { method: "POST", key: otherKey, body: missingCampaign })).toMatchObject({ status: "FAILED", error: { code: "HANDLER_FAILED" } });
    }
    expect(await api("/v1/runs", { method: "POST", key: otherKey, body: missingCampaign })).toMatchObject({ status: 503, code: "CIRCUIT_OPEN" });
    await page.getByRole("link", { name: "Runs" }).click();
    await page.getByRole("heading", { name: "Runs" }).waitFor();
    await page.getByRole("link", { name: "Agents" }).click();
    // Open, or half-open once its reset time has passed on a slow machine: no longer the closed of sign-in.
    await guard.locator(".badge:not(.breaker-closed)").waitFor({ timeout: 5_000 });
    expect(pageErrors).toEqual([]);
  });
});
