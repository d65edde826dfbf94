import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createConnectorRegistry } from "../registry/connector-registry.js";
import type { ConnectorDefinition } from "./connector-definition.js";
import { defineAction, defineConnector } from "./define-connector.js";

const ping = defineAction({ description: "Pings", input: z.object({}), output: z.object({}), repeatSafety: "safe", run: async () => ({}), fixture: () => ({}) });

/** A valid connector, with what a test changes: as JavaScript or a configuration file would build it. */
const connectorWith = (changes: Record<string, unknown>): ConnectorDefinition =>
  ({ id: "acme", kind: "ACME", displayName: "Acme", baseUrl: "https://api.acme.test", auth: { type: "bearer" }, actions: { ping }, ...changes }) as unknown as ConnectorDefinition;

const refusals: Array<[string, Record<string, unknown>, string]> = [
  ["a misspelled option", { timeOutMs: 5_000 }, 'Connector "acme": timeOutMs is not an option; the options are id, kind,'],
  ["a misspelled option of an action", { actions: { ping: { ...ping, repeatsafety: "unsafe" } } }, 'Connector "acme" action "ping": repeatsafety is not an option'],
  ["an API key without where it goes", { auth: { type: "api_key", name: "x-api-key" } }, 'Connector "acme": auth.in must be one of "header", "query", got undefined.'],
  ["an API key field of another auth type", { auth: { type: "bearer", in: "header" } }, "auth.in is not an option; the options of auth are field."],
  ["an OAuth token URL that is not absolute", { auth: { type: "oauth2", tokenUrl: "/token" } }, 'auth.tokenUrl must be an absolute URL, got "/token".'],
  ["OAuth scopes as one text", { auth: { type: "oauth2", tokenUrl: "https://auth.acme.test/token", scopes: "read write" } }, 'auth.scopes must be an array of strings, got "read write".'],
  ["a credential header from a field that is not named", { auth: { type: "bearer", credentialHeaders: { "developer-token": 1 } } }, "auth.credentialHeaders must be an object of strings, got an object."],
  ["a misspelled pacing option", { rateLimit: { requestsPerSecond: 5 } }, "rateLimit.requestsPerSecond is not an option; the options of rateLimit are requests, intervalMs, minTimeMs, maxConcurrent."],
  ["a pacing count given as text", { rateLimit: { maxConcurrent: "4" } }, 'rateLimit.maxConcurrent must be an integer of at least 1, got "4".'],
  ["keyed pacing without its key", { keyedPacing: { minTimeMs: 1_000 } }, "keyedPacing.key must be a function, got undefined."],
  ["NaN retry attempts", { retry: { attempts: Number.NaN } }, "retry.attempts must be an integer of at least 1, got NaN."],
  ["a retry delay longer than a timer holds", { retry: { maxDelayMs: 2_147_483_648 } }, "retry.maxDelayMs must be an integer from 0 to 2147483647, got 2147483648."],
  ["a misspelled breaker option", { breaker: { threshold: 3 } }, "breaker.threshold is not an option"],
  ["a breaker reset longer than a timer holds", { breaker: { resetTimeoutMs: 30 * 86_400_000 } }, "breaker.resetTimeoutMs must be an integer from 1 to 2147483647"],
  ["a timeout of zero", { timeoutMs: 0 }, 'Connector "acme": timeoutMs must be an integer of at least 1, got 0.'],
  ["a base URL template where baseUrlFrom takes a function", { baseUrlFrom: "https://{dc}.api.acme.test" }, 'Connector "acme": baseUrlFrom must be a function, got "https://{dc}.api.acme.test".'],
  ["a response mapper that is no function", { mapResponse: { 404: "not_found" } }, 'Connector "acme": mapResponse must be a function, got an object.'],
  ["baseUrlFrom on a connector without connections", { auth: { type: "none" }, baseUrlFrom: () => "https://us6.api.acme.test" }, 'Connector "acme": baseUrlFrom reads a connection\'s credentials, and a connector with auth type "none" has no connection'],
];

describe("connector definitions", () => {
  it.each(refusals)("defineConnector refuses %s with CONFIGURATION_INVALID naming it", (_case, changes, message) => {
    expect(() => defineConnector(connectorWith(changes))).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID", message: expect.stringContaining(message) }));
  });

  it.each(refusals)("the registry refuses %s in a connector made without defineConnector", (_case, changes, message) => {
    expect(() => createConnectorRegistry({ connectors: [connectorWith(changes)] })).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID", message: expect.stringContaining(message) }));
  });

  it("takes every option the types allow", () => {
    const connector = connectorWith({
      description: "Acme's API",
      auth: {
        type: "oauth2",
        tokenUrl: "https://auth.acme.test/token",
        refreshBeforeMs: 0,
        clientAuthentication: "basic",
        clientIdParameter: "client_key",
        authorizationUrl: "https://auth.acme.test/authorize",
        scopes: ["read"],
        authorizationParameters: { access_type: "offline" },
        revocationUrl: "https://auth.acme.test/revoke",
        issuer: "https://auth.acme.test",
        credentialHeaders: { "developer-token": "developerToken" },
      },
      rateLimit: { requests: 10, intervalMs: 1_000, minTimeMs: 0, maxConcurrent: 2 },
      keyedPacing: { minTimeMs: 1_000, key: () => undefined },
      retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 },
      breaker: { failureThreshold: 1, resetTimeoutMs: 1 },
      timeoutMs: 1,
      baseUrlFrom: () => "https://us6.api.acme.test",
      mapResponse: () => undefined,
      apiVersion: { version: "v1", docsUrl: "https://docs.acme.test" },
      connectionTest: { method: "GET", path: "/me" },
      revocation: { method: "POST", path: "/revoke" },
    });
    expect(defineConnector(connector)).toBe(connector);
    expect(createConnectorRegistry({ connectors: [connector] }).get("acme")).toBe(connector);
  });
});
