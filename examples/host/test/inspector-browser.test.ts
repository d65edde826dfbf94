import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { openNeonhubDatabase } from "@neonhub/persistence-prisma";
import pg from "pg";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildInspector } from "../scripts/build-inspector.mjs";
import { issueApiKey } from "../src/auth/issue-api-key.js";
import { HOST_DIRECTORY, PROCESS_TEST_TIMEOUT_MS, runTsx, startHostProcess, type HostProcess } from "./host-process.js";

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

  const signedInPage = async (key: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    const page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) pageErrors.push(message.text());
    });
    await page.goto(host.url);
    await page.getByLabel("API key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Runs" }).waitFor();
    return page;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "neonhub-inspector-"));
    const assets = join(dataDir, "inspector");
    await buildInspector(assets);
    if (SCREENSHOT_DIRECTORY) await mkdir(SCREENSHOT_DIRECTORY, { recursive: true });
    const database: Record<string, string> = { NEONHUB_DATA_DIR: dataDir };
    if (baseUrl) {
      const databaseName = `neonhub_inspector_e2e_${randomUUID().replaceAll("-", "")}`;
      const admin = new pg.Client({ connectionString: baseUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${databaseName}`);
      dropDatabase = async () => {
        await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
        await admin.end();
      };
      const url = new URL(baseUrl);
      url.pathname = `/${databaseName}`;
      database.DATABASE_URL = url.toString();
      const opened = await openNeonhubDatabase({ url: database.DATABASE_URL, applyMigrations: true });
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
    const step = page.locator("tr[data-step='google-search-console.querySearchAnalytics']");
    await step.getByText("SUCCEEDED").waitFor();
    expect(await page.locator(".io pre").first().textContent()).toContain("sc-domain:example.com");
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, "inspector-run");
    expect(pageErrors).toEqual([]);
  });

  it("shows a failed run's error and cancels an open run", async () => {
    const failed = await api("/v1/runs", { method: "POST", body: { agent: "budget-guard", intent: "guard a missing campaign", input: { customerId: "123-456-7890", campaignId: "404", budget: 100 } } });
    expect(failed.status).toBe("FAILED");
    const page = await signedInPage(DEVELOPMENT_KEY);
    await page.goto(`${host.url}/#/runs/${String(failed.id)}`);
    const error = page.locator(".run-error");
    await error.waitFor();
    expect(await error.textContent()).toContain("HANDLER_FAILED");
    expect(await error.textContent()).toContain("has no spend");
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

  it("shows agents with their breaker, limit and last hour, and the connections page", async () => {
    const page = await signedInPage(DEVELOPMENT_KEY);
    await page.getByRole("link", { name: "Agents" }).click();
    const seo = page.locator("tr[data-agent='seo-analyst']");
    await seo.getByText("closed").waitFor();
    await page.waitForFunction("document.querySelector(\"tr[data-agent='budget-guard'] td:nth-child(6)\")?.textContent === '0%'");
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, "inspector-agents");
    await page.getByRole("link", { name: "Connections" }).click();
    await page.getByRole("heading", { name: "Connections" }).waitFor();
    await page.getByText("Connector catalog", { exact: true }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it("shows another organization none of these runs", async () => {
    const mine = (await api("/v1/runs?limit=1")) as { runs: Array<{ id: string }> };
    const runId = mine.runs[0]?.id as string;
    expect(runId).toBeTruthy();
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
});
