import { isNeonhubError } from "@neonhub/core";
import { createManualClock, createRecordingLogger } from "@neonhub/core/testing";
import { afterEach, describe, expect, it } from "./vitest-api.js";
import { z } from "zod";
import { createConnectorClient } from "../client/create-connector-client.js";
import type { ConnectorDefinition } from "../sdk/connector-definition.js";
import { defineConnector } from "../sdk/define-connector.js";
import { contractCredentials } from "./contract-credentials.js";
import type { ProviderAnswer, ReceivedRequest } from "./provider-server.js";
import { type LiveHarness, type LiveHarnessOptions, startLiveHarness } from "./start-live-harness.js";

/** Options of {@link runConnectorContractTests}. */
export interface ConnectorContractOptions {
  /** One valid input per action; every action needs one. */
  sampleInputs: Record<string, unknown>;
  /** Inputs each action must refuse before any request. Default `null` for every action. */
  invalidInputs?: Record<string, unknown>;
  /** Extra credential fields of the connection (added to generated, unique secret values for the auth fields). */
  credentials?: Record<string, string>;
}

const MARKER = "contract-secret-5b2f9e";
const STATUS_CASES = [
  { status: 401, expected: { code: "UNAUTHORIZED" } },
  { status: 403, expected: { code: "UNAUTHORIZED" } },
  { status: 404, expected: { code: "HANDLER_FAILED", isRetryable: false } },
  { status: 429, headers: { "retry-after": "7" }, expected: { code: "RATE_LIMITED", isRetryable: true, retryAfterMs: 7_000 } },
  { status: 500, expected: { code: "HANDLER_FAILED", isRetryable: true } },
  { status: 503, expected: { code: "HANDLER_FAILED", isRetryable: true } },
] as const;

const settle = () => new Promise((resolve) => setImmediate(resolve));
const tokenAnswer = (request: ReceivedRequest): ProviderAnswer | undefined =>
  request.path === "/oauth/token" ? { status: 200, json: { access_token: `${MARKER}-refreshed`, token_type: "Bearer", expires_in: 3600 } } : undefined;

/**
 * Registers a vitest suite that checks a connector against the SDK's contract: its declaration and schemas,
 * sample inputs, deterministic fixtures that satisfy the output schemas, input validation before any request,
 * error mapping (401, 403, 404, 429 with Retry-After, 5xx, timeout) against a local server it starts, and that
 * no credential value appears in errors or log lines. Call it at the top level of a test file.
 * @example
 * runConnectorContractTests(airtableConnector, { sampleInputs: { createRecord: { baseId: "appX", table: "Leads", fields: { Name: "Ada" } } } });
 */
export function runConnectorContractTests(connector: ConnectorDefinition, options: ConnectorContractOptions): void {
  const actions = Object.keys(connector.actions);
  const credentials = { ...contractCredentials(connector.auth, MARKER), ...options.credentials };
  const secrets = Object.values(credentials).filter((value) => value.length >= 4);

  describe(`connector contract: ${connector.id}`, () => {
    let harness: LiveHarness | undefined;
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });
    const start = async (handler: LiveHarnessOptions["handler"], client: LiveHarnessOptions["client"] = {}) => {
      harness = await startLiveHarness({ connector, credentials, handler, client });
      return harness;
    };

    it("declares an id, kind, display name, auth, and schemas for every action", () => {
      expect(() => defineConnector(connector)).not.toThrow();
      for (const name of actions) {
        const action = connector.actions[name];
        expect(action?.description.trim()).not.toBe("");
        expect(() => z.toJSONSchema(action?.input as z.ZodType, { io: "input", unrepresentable: "any" })).not.toThrow();
        expect(() => z.toJSONSchema(action?.output as z.ZodType, { io: "output", unrepresentable: "any" })).not.toThrow();
      }
    });

    it("has a sample input, accepted by its schema, for every action", () => {
      expect(Object.keys(options.sampleInputs).sort()).toEqual([...actions].sort());
      for (const name of actions) expect(connector.actions[name]?.input.safeParse(options.sampleInputs[name]).success, name).toBe(true);
    });

    it("answers every action in mock mode with deterministic fixtures that satisfy the output schema", async () => {
      const first = createConnectorClient({ mode: "mock", environment: {}, connectors: [connector] });
      const second = createConnectorClient({ mode: "mock", environment: {}, connectors: [connector] });
      for (const name of actions) {
        const output = await first.invoke(connector.id, name, options.sampleInputs[name]);
        expect(connector.actions[name]?.output.safeParse(output).success, name).toBe(true);
        expect(await second.invoke(connector.id, name, options.sampleInputs[name])).toEqual(output);
      }
    });

    it("refuses invalid input with VALIDATION_FAILED before any request", async () => {
      const { client, server } = await start(() => ({ status: 500, json: { message: "no request was expected" } }));
      for (const name of actions) {
        const error = await client.invoke(connector.id, name, options.invalidInputs?.[name] ?? null).catch((caught: unknown) => caught);
        expect(isNeonhubError(error, "VALIDATION_FAILED"), name).toBe(true);
      }
      expect(server.requests).toHaveLength(0);
    });

    it.each(STATUS_CASES)("maps HTTP $status to $expected.code", async ({ status, expected, ...rest }) => {
      const headers = "headers" in rest ? rest.headers : {};
      const { client } = await start((request) => tokenAnswer(request) ?? { status, headers, json: { error: { message: `HTTP ${status} from the provider` } } });
      for (const name of actions) {
        await expect(client.invoke(connector.id, name, options.sampleInputs[name]), name).rejects.toMatchObject(expected);
      }
    });

    it("fails with a retryable TIMEOUT when the provider does not answer before the deadline", async () => {
      const clock = createManualClock();
      const { client, server } = await start((request) => tokenAnswer(request) ?? "hang", { clock });
      const [name] = actions as [string];
      const call = client.invoke(connector.id, name, options.sampleInputs[name]).catch((caught: unknown) => caught);
      await server.waitForRequests(1);
      await settle();
      await clock.advance(connector.timeoutMs ?? 30_000);
      expect(await call).toMatchObject({ code: "TIMEOUT", isRetryable: true });
    });

    it("keeps every credential value out of errors and log lines, even when the provider quotes them", async () => {
      const logger = createRecordingLogger();
      const quote = (request: ReceivedRequest): ProviderAnswer => ({
        status: 400,
        json: { message: `Rejected ${request.headers.authorization ?? ""} ${JSON.stringify(request.query)} ${JSON.stringify(request.headers)}`.slice(0, 290) },
      });
      const { client, server } = await start((request) => tokenAnswer(request) ?? quote(request), { logger });
      const errors: unknown[] = [];
      for (const name of actions) errors.push(await client.invoke(connector.id, name, options.sampleInputs[name]).catch((caught: unknown) => caught));
      expect(server.requests.length).toBeGreaterThan(0);
      const leaked = JSON.stringify([errors.map((error) => ({ message: (error as Error).message, stack: (error as Error).stack, error })), logger.lines]);
      for (const secret of secrets) expect(leaked).not.toContain(secret);
    });
  });
}
