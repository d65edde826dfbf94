import { describe, expect, it } from "vitest";
import { z } from "zod";
import { builtInConnectors } from "../connectors/built-in-connectors.js";
import { defineAction, defineConnector, defineConnectorPlugin } from "../sdk/define-connector.js";
import { createConnectorRegistry } from "./connector-registry.js";

const notion = defineConnector({
  id: "notion",
  kind: "NOTION",
  displayName: "Notion",
  baseUrl: "https://api.notion.com",
  auth: { type: "bearer" },
  actions: {
    createPage: defineAction({ description: "Creates a page", input: z.object({ title: z.string() }), output: z.object({ id: z.string() }), repeatSafety: "unsafe", run: async () => ({ id: "p" }), fixture: () => ({ id: "p" }) }),
  },
});

describe("connector registry", () => {
  it("lists the sixteen platform kinds and the LLM connector, marking which are implemented", () => {
    const catalog = createConnectorRegistry({ connectors: builtInConnectors }).catalog();
    expect(catalog.map((entry) => entry.kind)).toEqual([
      "EMAIL", "SMS", "WHATSAPP", "REDDIT", "INSTAGRAM", "FACEBOOK", "X", "YOUTUBE", "TIKTOK",
      "GOOGLE_ADS", "GOOGLE_SEARCH_CONSOLE", "SHOPIFY", "STRIPE", "SLACK", "DISCORD", "LINKEDIN", "LLM",
    ]);
    const implemented = new Set(builtInConnectors.map((connector) => connector.kind));
    for (const entry of catalog) expect(entry.implemented).toBe(implemented.has(entry.kind));
    expect(catalog.find((entry) => entry.kind === "SLACK")).toEqual({
      id: "slack", kind: "SLACK", displayName: "Slack", authType: "bearer", implemented: true, source: "platform",
      actions: [{ name: "postMessage", description: "Posts a message to a channel, or a reply in a thread." }],
    });
    // A kind without a registered connector is listed from the catalog's own entry.
    const withoutDiscord = createConnectorRegistry({ connectors: builtInConnectors.filter((connector) => connector.kind !== "DISCORD") }).catalog();
    expect(withoutDiscord.find((entry) => entry.kind === "DISCORD")).toEqual({
      id: "discord", kind: "DISCORD", displayName: "Discord", authType: "api_key", implemented: false, source: "platform",
      actions: [{ name: "sendChannelMessage", description: "Not implemented yet." }],
    });
  });

  it("registers plugins and lists their connectors after the platform kinds", () => {
    const registry = createConnectorRegistry({ connectors: builtInConnectors, plugins: [defineConnectorPlugin({ name: "@acme/notion", connectors: [notion] })] });
    expect(registry.catalog().at(-1)).toMatchObject({ id: "notion", kind: "NOTION", source: "@acme/notion", implemented: true });
    expect(registry.getAction("notion", "createPage").action.description).toBe("Creates a page");
  });

  it("names what exists when a connector or action is unknown", () => {
    const registry = createConnectorRegistry({ connectors: builtInConnectors });
    expect(() => registry.get("mailchimp")).toThrow(/Connector "mailchimp" is not registered\. Registered connectors: .*email.*slack/);
    const withoutDiscord = createConnectorRegistry({ connectors: builtInConnectors.filter((connector) => connector.id !== "discord") });
    expect(() => withoutDiscord.get("discord")).toThrow(/Connector "discord" \(Discord\) is in the catalog but not implemented yet/);
    expect(() => registry.getAction("slack", "deleteMessage")).toThrow('Connector "slack" has no action "deleteMessage". Its actions: postMessage.');
    try {
      registry.getAction("slack", "deleteMessage");
    } catch (error) {
      expect(error).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "action" }] });
    }
  });

  it("refuses a second connector with the same id", () => {
    const registry = createConnectorRegistry({ connectors: [notion] });
    expect(() => registry.register(notion)).toThrow(/already registered/);
  });
});

describe("defineConnector", () => {
  it("refuses a base URL that would carry credentials in clear or in the URL, and takes https and loopback http", () => {
    const base = { id: "acme", kind: "ACME", displayName: "Acme", auth: { type: "none" as const }, actions: notion.actions };
    for (const baseUrl of ["http://api.acme.test", "ftp://acme.test", "ws://127.0.0.1:8080", "http://10.0.0.5"]) {
      expect(() => defineConnector({ ...base, baseUrl }), baseUrl).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID", message: expect.stringContaining("is not https://") }));
    }
    // Built, not written out: a URL holding a password in the source reads as a leaked credential to secret scanners.
    const urlWithPassword = new URL("https://api.acme.test");
    urlWithPassword.username = "admin";
    urlWithPassword.password = "s3cret-pass";
    const withPassword = (() => {
      try {
        defineConnector({ ...base, baseUrl: urlWithPassword.href });
      } catch (error) {
        return error as Error;
      }
      return null;
    })();
    expect(withPassword).toMatchObject({ code: "CONFIGURATION_INVALID", message: expect.stringContaining("holds a user name or password") });
    expect(withPassword?.message).not.toContain("s3cret-pass");
    const withToken = (() => {
      try {
        defineConnector({ ...base, baseUrl: "https://user-token-3f9a@api.acme.test" });
      } catch (error) {
        return error as Error;
      }
      return null;
    })();
    expect(withToken?.message).toMatch(/holds a user name or password/);
    expect(withToken?.message).not.toContain("user-token-3f9a");
    for (const baseUrl of ["https://api.acme.test/v2", "http://127.0.0.1:4010", "http://localhost:4010", "http://[::1]:4010"]) {
      expect(defineConnector({ ...base, baseUrl }).baseUrl).toBe(baseUrl);
    }
  });

  it("checks the definition at once", () => {
    const base = { kind: "ACME", displayName: "Acme", baseUrl: "https://acme.test", auth: { type: "none" as const } };
    expect(() => defineConnector({ ...base, id: "Bad Id", actions: notion.actions })).toThrow(/Connector id "Bad Id" is invalid/);
    expect(() => defineConnector({ ...base, id: "acme", baseUrl: "acme.test", actions: notion.actions })).toThrow(/the one given is not an absolute URL; got "acme.test"/);
    expect(() => defineConnector({ ...base, id: "acme", actions: {} })).toThrow(/declares no actions/);
    expect(() => defineConnector({ ...base, id: "acme", actions: { broken: { ...notion.actions.createPage, description: "" } } })).toThrow(/needs a description/);
    expect(() => defineConnector({ ...base, id: "acme", actions: { broken: { ...notion.actions.createPage, fixture: undefined as never } } })).toThrow(/"fixture" function/);
    expect(() => defineConnector({ ...base, id: "acme", actions: { broken: { ...notion.actions.createPage, repeatSafety: undefined as never } } })).toThrow(/needs repeatSafety/);
    expect(() => defineConnector({ ...base, id: "acme", actions: { broken: { ...notion.actions.createPage, docsUrl: "http://docs.test" } } })).toThrow(/docsUrl must be an https URL/);
    expect(() => defineConnector({ ...base, id: "acme", actions: { broken: { ...notion.actions.createPage, keyRetentionMs: 60_000 } } })).toThrow(/keyRetentionMs applies to with-key actions only/);
    for (const keyRetentionMs of [0, -1, 1.5, Number.POSITIVE_INFINITY]) {
      expect(() => defineConnector({ ...base, id: "acme", actions: { broken: { ...notion.actions.createPage, repeatSafety: "with-key", keyRetentionMs } } })).toThrow(/keyRetentionMs must be a positive whole number of milliseconds/);
    }
    expect(() => defineConnector({ ...base, id: "acme", apiVersion: { version: "v1", sunsetAt: "next year", docsUrl: "https://docs.test" }, actions: notion.actions })).toThrow(/sunsetAt must be a YYYY-MM-DD date/);
  });
});

describe("catalog entries", () => {
  it("declare the auth type that each built-in connector uses", () => {
    const catalog = createConnectorRegistry({ connectors: builtInConnectors }).catalog();
    const declared = createConnectorRegistry({ connectors: [] }).catalog();
    for (const entry of catalog.filter((candidate) => candidate.source === "platform")) {
      expect(declared.find((candidate) => candidate.kind === entry.kind)?.authType, entry.kind).toBe(entry.authType);
    }
  });
});
