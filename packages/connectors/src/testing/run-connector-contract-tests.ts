import { REPEAT_SAFETIES, isNeonhubError } from "@neonhub/core";
import { createManualClock, createRecordingLogger } from "@neonhub/core/testing";
import { afterEach, describe, expect, it } from "./vitest-api.js";
import { z } from "zod";
import { createConnectorClient } from "../client/create-connector-client.js";
import type { ActionDefinition, ConnectorDefinition } from "../sdk/connector-definition.js";
import { defineConnector } from "../sdk/define-connector.js";
import { contractCredentials } from "./contract-credentials.js";
import { contractOptionProblems } from "./contract-option-problems.js";
import { inputSchemaOf, outputSchemaOf, undeclaredPagingActions } from "./paging-contract.js";
import type { ProviderAnswer, ReceivedRequest } from "./provider-server.js";
import { type LiveHarness, type LiveHarnessOptions, startLiveHarness } from "./start-live-harness.js";

/**
 * Options of {@link runConnectorContractTests}. `ActionName` is the connector's action names, so that for a connector
 * made with `defineConnector` a missing sample input, or a key that names no action, is a type error.
 */
export interface ConnectorContractOptions<ActionName extends string = string> {
  /** One valid input per action; every action needs one, and no other key is allowed. */
  sampleInputs: Record<ActionName, unknown>;
  /** Inputs each action must refuse before any request. Default `null` for every action. */
  invalidInputs?: Partial<Record<ActionName, unknown>>;
  /** Extra credential fields of the connection (added to generated, unique secret values for the auth fields). */
  credentials?: Record<string, string>;
  /**
   * A cursor each list action accepts, for the check that it reaches the provider. Default `4711` for offset paging,
   * otherwise an opaque token; give one where the action's schema refuses those (Stripe's take a `txn_` id).
   */
  sampleCursors?: Partial<Record<ActionName, string>>;
}

const MARKER = "contract-secret-5b2f9e";
const IDEMPOTENCY_KEY = "contract-key-5b2f9e";
const OPAQUE_CURSOR = "contract-cursor-5b2f9e";
const OFFSET_CURSOR = "4711";
const STATUS_CASES = [
  { status: 401, expected: { code: "UNAUTHORIZED" }, title: "UNAUTHORIZED" },
  { status: 403, expected: { code: "UNAUTHORIZED" }, title: "UNAUTHORIZED" },
  { status: 404, expected: { code: "UPSTREAM_FAILED", isRetryable: false }, title: "UPSTREAM_FAILED, not retried" },
  { status: 429, headers: { "retry-after": "7" }, expected: { code: "RATE_LIMITED", isRetryable: true, retryAfterMs: 7_000 }, title: "RATE_LIMITED after its Retry-After" },
  { status: 500, expected: { code: "UPSTREAM_FAILED", isRetryable: true }, title: "UPSTREAM_FAILED, unknown if unsafe" },
  { status: 503, expected: { code: "UPSTREAM_FAILED", isRetryable: true }, title: "UPSTREAM_FAILED, unknown if unsafe" },
] as const;
/** What an unsafe action gives instead of a retryable failure when the provider may have acted. */
const OUTCOME_UNKNOWN = { code: "STEP_OUTCOME_UNKNOWN", isRetryable: false };

const expectedFor = (action: ActionDefinition, expected: Record<string, unknown>) =>
  action.repeatSafety === "unsafe" && (expected.code === "UPSTREAM_FAILED" || expected.code === "TIMEOUT") && expected.isRetryable === true ? OUTCOME_UNKNOWN : expected;

const settle = () => new Promise((resolve) => setImmediate(resolve));
const tokenAnswer = (request: ReceivedRequest): ProviderAnswer | undefined =>
  request.path === "/oauth/token" ? { status: 200, json: { access_token: `${MARKER}-refreshed`, token_type: "Bearer", expires_in: 3600 } } : undefined;

/**
 * Registers a vitest suite that checks a connector against the SDK's contract: its declaration and schemas,
 * its provider API version (and that a deprecation comes no later than the sunset), each action's repeat safety,
 * endpoint and documentation link, the page shape of list actions (every action that takes a cursor or answers a
 * page declares paging, and sends its cursor to the provider), sample inputs,
 * deterministic fixtures that satisfy the output schemas, input validation before any request, error mapping
 * (401, 403, 404, 429 with Retry-After, 5xx, timeout) against a local server it starts, that unsafe actions are
 * never repeated after an unknown outcome while the others are, that with-key actions send the idempotency key,
 * that a connection test is declared and sent as declared, and that no credential value appears in errors or log
 * lines. The live checks run without the connector's declared pacing (`rateLimit`, `keyedPacing`), so a connector
 * paced at one request a second does not make them wait, and reach the kit's server through the client's `baseUrls`,
 * which win over a connector's `baseUrlFrom` (not called). Call it at the top level of a test file.
 * @example
 * runConnectorContractTests(airtableConnector, { sampleInputs: { createRecord: { baseId: "appX", table: "Leads", fields: { Name: "Ada" } } } });
 */
export function runConnectorContractTests<Actions extends Record<string, ActionDefinition>>(
  definition: ConnectorDefinition<Actions>,
  contractOptions: ConnectorContractOptions<Extract<keyof Actions, string>>,
): void {
  const connector: ConnectorDefinition = definition;
  const options: ConnectorContractOptions = contractOptions;
  const actions = Object.keys(connector.actions);
  const credentials = { ...contractCredentials(connector.auth, MARKER), ...options.credentials };
  const secrets = Object.values(credentials).filter((value) => value.length >= 4);
  // The live checks are about requests and answers, not pacing: a declared pace (one request a second) would make
  // each check that calls several actions wait for it in real time, past the test's timeout.
  const unpaced: ConnectorDefinition = { ...connector, rateLimit: undefined, keyedPacing: undefined };

  describe(`connector contract: ${connector.id}`, () => {
    let harness: LiveHarness | undefined;
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });
    const start = async (handler: LiveHarnessOptions["handler"], client: LiveHarnessOptions["client"] = {}) => {
      harness = await startLiveHarness({ connector: unpaced, credentials, handler, client });
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

    it("has a sample input, accepted by its schema, for every action, and options that name only its actions", () => {
      const problems = contractOptionProblems(connector.id, actions, options);
      expect(problems, problems.join("; ")).toEqual([]);
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

    it("declares its provider API version, and a repeat safety, endpoint and documentation link for every action", () => {
      expect(connector.apiVersion?.version, "apiVersion.version").toEqual(expect.any(String));
      expect(connector.apiVersion?.docsUrl, "apiVersion.docsUrl").toMatch(/^https:\/\//);
      const { deprecatedAt, sunsetAt } = connector.apiVersion ?? {};
      if (deprecatedAt !== undefined && sunsetAt !== undefined) expect(deprecatedAt <= sunsetAt, "apiVersion.deprecatedAt is on or before sunsetAt").toBe(true);
      for (const name of actions) {
        const action = connector.actions[name] as ActionDefinition;
        expect(REPEAT_SAFETIES, `${name}.repeatSafety`).toContain(action.repeatSafety);
        expect(action.docsUrl, `${name}.docsUrl`).toMatch(/^https:\/\//);
        expect(action.endpoint, `${name}.endpoint`).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \//);
      }
    });

    it("takes a cursor and answers { items, nextCursor } in every list action that declares paging", () => {
      for (const name of actions.filter((candidate) => connector.actions[candidate]?.paging !== undefined)) {
        const action = connector.actions[name] as ActionDefinition;
        const output = outputSchemaOf(action);
        expect(inputSchemaOf(action).properties, `${name} input`).toHaveProperty("cursor");
        expect(output.properties?.items?.type, `${name} output.items`).toBe("array");
        expect(output.required, `${name} output`).toEqual(expect.arrayContaining(["items", "nextCursor"]));
        expect(["cursor", "link-header", "page-token", "offset"], `${name}.paging.style`).toContain(action.paging?.style);
      }
    });

    it("declares paging in every action that takes a cursor or answers a page, so paginate can walk it", () => {
      expect(undeclaredPagingActions(connector)).toEqual([]);
    });

    it("sends a list action's cursor to the provider", async () => {
      for (const name of actions.filter((candidate) => connector.actions[candidate]?.paging !== undefined)) {
        const action = connector.actions[name] as ActionDefinition;
        const cursor = options.sampleCursors?.[name] ?? (action.paging?.style === "offset" ? OFFSET_CURSOR : OPAQUE_CURSOR);
        const input = { ...(options.sampleInputs[name] as object), cursor };
        expect(action.input.safeParse(input).success, `${name} refuses the cursor ${cursor}: give one in sampleCursors`).toBe(true);
        const { client, server } = await start((request) => tokenAnswer(request) ?? { status: 400, json: { error: { message: "stop after one request" } } });
        await client.invoke(connector.id, name, input).catch(() => undefined);
        const sent = server.requests.filter((request) => request.path !== "/oauth/token");
        expect(sent.length, name).toBeGreaterThan(0);
        for (const request of sent) expect([...Object.values(request.query), request.body].some((value) => value.includes(cursor)), `${name} sends ${cursor}`).toBe(true);
        await harness?.close();
        harness = undefined;
      }
    });

    it("declares a connection test and sends it once, as declared, with the organization's connection", async () => {
      expect(connector.connectionTest, "connectionTest (a cheap read-only call that proves a connection works)").toBeDefined();
      const { client, server, organizationId } = await start((request) => tokenAnswer(request) ?? { status: 200, json: {} });
      const response = await client.callConnection(connector.id, organizationId, "test");
      expect(response?.status).toBe(200);
      const declared = connector.connectionTest;
      const expected = typeof declared === "function" ? declared((name) => credentials[name]) : declared;
      const sent = server.requests.filter((request) => request.path !== "/oauth/token");
      expect(sent.map((request) => `${request.method} ${decodeURIComponent(request.path)}`)).toEqual([`${expected?.method} ${decodeURIComponent(expected?.path ?? "")}`]);
    });

    it.each(STATUS_CASES)("maps HTTP $status to $title", async ({ status, expected, ...rest }) => {
      const headers = "headers" in rest ? rest.headers : {};
      const { client } = await start((request) => tokenAnswer(request) ?? { status, headers, json: { error: { message: `HTTP ${status} from the provider` } } });
      for (const name of actions) {
        const action = connector.actions[name] as ActionDefinition;
        await expect(client.invoke(connector.id, name, options.sampleInputs[name], { idempotencyKey: IDEMPOTENCY_KEY }), name).rejects.toMatchObject(expectedFor(action, expected));
      }
    });

    it("fails with a retryable TIMEOUT (STEP_OUTCOME_UNKNOWN when unsafe) when the provider does not answer before the deadline", async () => {
      const clock = createManualClock();
      const { client, server } = await start((request) => tokenAnswer(request) ?? "hang", { clock });
      const [name] = actions as [string];
      const call = client.invoke(connector.id, name, options.sampleInputs[name], { idempotencyKey: IDEMPOTENCY_KEY }).catch((caught: unknown) => caught);
      await server.waitForRequests(1);
      await settle();
      await clock.advance(connector.timeoutMs ?? 30_000);
      expect(await call).toMatchObject(expectedFor(connector.actions[name] as ActionDefinition, { code: "TIMEOUT", isRetryable: true }));
    });

    it("never repeats an unsafe action whose connection dropped after the request, and repeats the others", async () => {
      for (const name of actions) {
        const action = connector.actions[name] as ActionDefinition;
        const { client, server } = await start((request) => tokenAnswer(request) ?? "drop", { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
        const error = await client.invoke(connector.id, name, options.sampleInputs[name], { idempotencyKey: IDEMPOTENCY_KEY }).catch((caught: unknown) => caught);
        const calls = server.requests.filter((request) => request.path !== "/oauth/token");
        if (action.repeatSafety === "unsafe") {
          expect(error, name).toMatchObject(OUTCOME_UNKNOWN);
          expect(calls, name).toHaveLength(1);
        } else {
          expect(error, name).toMatchObject({ code: "UPSTREAM_FAILED", isRetryable: true });
          expect(calls.length, name).toBeGreaterThan(1);
        }
        await harness?.close();
        harness = undefined;
      }
    });

    it("sends the call's idempotency key to the provider from every with-key action", async () => {
      for (const name of actions.filter((candidate) => connector.actions[candidate]?.repeatSafety === "with-key")) {
        const { client, server } = await start((request) => tokenAnswer(request) ?? { status: 500, json: { error: { message: "stop after one request" } } });
        await client.invoke(connector.id, name, options.sampleInputs[name], { idempotencyKey: IDEMPOTENCY_KEY }).catch(() => undefined);
        const sent = server.requests.filter((request) => request.path !== "/oauth/token").map((request) => JSON.stringify(request.headers) + request.body);
        for (const request of sent) expect(request, name).toContain(IDEMPOTENCY_KEY);
        expect(sent.length, name).toBeGreaterThan(0);
        await harness?.close();
        harness = undefined;
      }
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
