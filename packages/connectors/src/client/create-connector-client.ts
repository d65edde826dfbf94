import {
  type BreakerState,
  type Clock,
  ConfigurationError,
  type CredentialStore,
  type Logger,
  type MetricsSink,
  type RunContext,
  noopMetricsSink,
  silentLogger,
  systemClock,
} from "@neonhub/core";
import type { OAuthClientLookup } from "../auth/oauth-client.js";
import { createOAuth2Refresher } from "../auth/oauth2-refresher.js";
import { type BuiltInConnectorId, type BuiltInConnectorMap, builtInConnectors } from "../connectors/built-in-connectors.js";
import { createMockEngine } from "../mock/mock-engine.js";
import type { MockController, MockOptions, MockScenario } from "../mock/mock-types.js";
import { type CatalogEntry, type ConnectorRegistry, createConnectorRegistry } from "../registry/connector-registry.js";
import { createConnectorResilience } from "../resilience/connector-resilience.js";
import type { ActionInput, ActionOutput, ConnectorDefinition, ConnectorPlugin, RetrySpec } from "../sdk/connector-definition.js";
import type { HttpResponse } from "../http/http-types.js";
import { DEFAULT_MAX_RESPONSE_BYTES } from "../http/read-response-text.js";
import { breakerScopeOf } from "./breaker-scope.js";
import { type ConnectionPurpose, callConnection } from "./call-connection.js";
import { checkMockOptions, checkRetryOverride } from "./check-client-options.js";
import { checkInvokeOptions } from "./check-invoke-options.js";
import { type CallTarget, type InvocationRuntime, executeCall, prepareCall } from "./invoke-action.js";
import { type ConnectorMode, resolveConnectorMode } from "./resolve-mode.js";

/** Options of {@link createConnectorClient}. Everything has a default. */
export interface ConnectorClientOptions {
  /** `live` or `mock`; the environment can force mock (see {@link resolveConnectorMode}). */
  mode?: ConnectorMode;
  /** Connectors to register. Default: every built-in connector. */
  connectors?: readonly ConnectorDefinition[];
  /** Plugin packages to register on top of `connectors`. */
  plugins?: readonly ConnectorPlugin[];
  /** A registry to use instead of `connectors` and `plugins`. */
  registry?: ConnectorRegistry;
  /** Where connections' credentials live. Required in live mode for connectors that authenticate. */
  credentials?: CredentialStore;
  /** Organization of calls made outside a run. Default `default`. */
  organizationId?: string;
  /**
   * Base URL per connector id, over the connector's default and over the base URL it derives from a connection's
   * credentials (`baseUrlFrom`, then not called); a connection's `baseUrl` credential wins. A key that
   * names no registered connector is accepted and ignored, since a plugin may register its connector on the
   * client's `registry` after the client is created: check the keys with `checkBaseUrls` once every connector
   * is registered, or a misspelled id (`openai` for `llm`) leaves that connector's calls on its default URL.
   */
  baseUrls?: Record<string, string>;
  clock?: Clock;
  logger?: Logger;
  metrics?: MetricsSink;
  /** Overrides every connector's retry settings; `false` makes one attempt only. */
  retry?: Partial<RetrySpec> | false;
  /** Mock mode's seed, latency, fixtures and strictness. */
  mock?: MockOptions;
  /** More values to redact everywhere, on top of every connection's credentials. */
  secretValues?: readonly string[];
  /** More key fragments to redact, on top of the default list. */
  redactKeys?: readonly string[];
  /** Environment read for the mode. Default `process.env`. */
  environment?: Record<string, string | undefined>;
  /** Bound of per-connection state (refreshes in flight, breakers of connections with a base URL of their own). Default 10,000. */
  maxConnections?: number;
  /**
   * Largest provider response body read, in bytes; a longer one fails the call with a non-retryable
   * `UPSTREAM_FAILED` (`details.reason: "response_too_large"`). Default 10 MiB (`DEFAULT_MAX_RESPONSE_BYTES`).
   */
  maxResponseBytes?: number;
  /**
   * OAuth clients configured per connector, used to refresh tokens (over a connection's own `clientId`). Their
   * secrets are redacted from the calls of their connector like the connection's credentials.
   */
  oauthClients?: OAuthClientLookup;
}

/**
 * Options of one call. They are checked when the call is made, before its connection is read or anything is sent:
 * a key that is not one of these, or a value of the wrong type (a `scenario` that names none, an empty
 * `idempotencyKey`), fails the call with `VALIDATION_FAILED` naming the option; inside a run, the run then fails
 * `call_invalid` unless the handler catches it. Options that apply outside runs only are accepted and ignored in one.
 */
export interface InvokeOptions {
  /** Outside runs only: the organization whose connection is used. */
  organizationId?: string;
  /** Outside runs only: aborts the call. */
  signal?: AbortSignal;
  /** Mock mode only: the scenario of this call. */
  scenario?: MockScenario;
  /**
   * The key `with-key` actions send to their provider. Inside a run the step's own key is used unless this is
   * given; outside runs there is none unless this is given (and a `with-key` action is then treated as unsafe).
   */
  idempotencyKey?: string;
  /** Inside runs only: the step's key in the run's journal, instead of the derived `connector.action#n`. */
  stepKey?: string;
}

/**
 * Calls connector actions; typed (input and output inferred from the action's schemas) when given the connector
 * definition or a built-in connector's id, untyped with any other id (a plugin's, named by string).
 * @example
 * const completion = await connectors.forRun(ctx).invoke("llm", "chatCompletion", { messages });
 * completion.content; // string, no parsing needed
 */
export interface ConnectorInvoker {
  invoke<C extends ConnectorDefinition, A extends keyof C["actions"] & string>(connector: C, action: A, input: ActionInput<C, A>, options?: InvokeOptions): Promise<ActionOutput<C, A>>;
  invoke<Id extends BuiltInConnectorId, A extends keyof BuiltInConnectorMap[Id]["actions"] & string>(
    connector: Id,
    action: A,
    input: ActionInput<BuiltInConnectorMap[Id], A>,
    options?: InvokeOptions,
  ): Promise<ActionOutput<BuiltInConnectorMap[Id], A>>;
  // A built-in id never falls through to the untyped form, so a wrong input is a type error, not an `unknown`.
  invoke<Id extends string>(connector: Id extends BuiltInConnectorId ? never : Id, action: string, input: unknown, options?: InvokeOptions): Promise<unknown>;
}

/** A catalog entry with the mode this client calls it in. */
export type ClientCatalogEntry = CatalogEntry & { mode: ConnectorMode };

/** The connector client. Create with {@link createConnectorClient}. */
export interface ConnectorClient extends ConnectorInvoker {
  readonly mode: ConnectorMode;
  readonly registry: ConnectorRegistry;
  /** Mock mode's fixtures, scenarios and call log; throws `CONFIGURATION_INVALID` in live mode. */
  readonly mock: MockController;
  /** Calls made inside a run: each one is recorded as a ToolExecution through `ctx.tool`. */
  forRun(context: RunContext): ConnectorInvoker;
  catalog(): ClientCatalogEntry[];
  /**
   * Makes the connector's declared `connectionTest` or `revocation` request with the organization's connection
   * (refreshing OAuth2 tokens as calls do). Null when the connector declares none; in mock mode nothing is sent
   * and a 200 answer without a body is returned.
   */
  callConnection(connectorId: string, organizationId: string, purpose: ConnectionPurpose): Promise<HttpResponse | null>;
  /**
   * State of the connector's breaker for its default base URL, or for `baseUrl` (a connection's own, such as a
   * Shopify store's, or one derived from its credentials): calls to another origin have a breaker of their own.
   */
  breakerState(connectorId: string, baseUrl?: string): BreakerState;
  /** Stops pacing queues and breakers' timers. */
  close(): Promise<void>;
}

const NEVER_ABORTED = new AbortController().signal;

/**
 * Creates a connector client.
 * @example
 * const connectors = createConnectorClient({ credentials, metrics });
 * const agent = defineAgent({ ..., handle: async (input, ctx) => {
 *   const message = await connectors.forRun(ctx).invoke(slackConnector, "postMessage", { channel: "C0123", text: input.text });
 *   return { ts: message.ts };
 * } });
 * @throws ConfigurationError when an option is out of range (`maxResponseBytes`, `maxConnections`, `retry`, and in
 * mock mode `mock`), before anything is created.
 */
export function createConnectorClient(options: ConnectorClientOptions = {}): ConnectorClient {
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isInteger(maxResponseBytes) || maxResponseBytes < 1) throw new ConfigurationError(`maxResponseBytes must be a positive integer, got ${maxResponseBytes}.`);
  if (options.maxConnections !== undefined && !(Number.isInteger(options.maxConnections) && options.maxConnections >= 1)) {
    throw new ConfigurationError(`maxConnections must be a positive integer, got ${String(options.maxConnections)}.`);
  }
  checkRetryOverride(options.retry);
  const mode = resolveConnectorMode(options.mode, options.environment);
  if (mode === "mock") checkMockOptions(options.mock ?? {});
  const registry = options.registry ?? createConnectorRegistry({ connectors: options.connectors ?? builtInConnectors, plugins: options.plugins ?? [] });
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? noopMetricsSink;
  const logger = options.logger ?? silentLogger;
  const credentials = options.credentials ?? null;
  const mockEngine = mode === "mock" ? createMockEngine(options.mock ?? {}, clock, (connectorId, actionName) => registry.getAction(connectorId, actionName)) : null;
  const resilience = createConnectorResilience({
    metrics,
    clock,
    retry: options.retry,
    pacing: mode === "live",
    maxConnectors: 1_000,
    ...(options.maxConnections === undefined ? {} : { maxBreakers: options.maxConnections }),
  });
  const runtime: InvocationRuntime = {
    mode,
    clock,
    credentials,
    refresher: credentials === null ? null : createOAuth2Refresher({
        store: credentials,
        clock,
        metrics,
        ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
        ...(options.oauthClients === undefined ? {} : { clients: options.oauthClients }),
      }),
    resilience,
    mock: mockEngine,
    metrics,
    baseUrls: { ...options.baseUrls },
    secretValues: options.secretValues ?? [],
    redactKeys: options.redactKeys ?? [],
    oauthClients: options.oauthClients ?? null,
    maxResponseBytes,
  };

  const targetOf = (connector: string | ConnectorDefinition, actionName: string): CallTarget => {
    const found = registry.getAction(typeof connector === "string" ? connector : connector.id, actionName);
    return { connector: found.connector, actionName, action: found.action };
  };

  async function invokeOutsideRun(connector: string | ConnectorDefinition, actionName: string, input: unknown, invokeOptions: InvokeOptions = {}): Promise<unknown> {
    const target = targetOf(connector, actionName);
    checkInvokeOptions(invokeOptions, target.connector.id, actionName);
    const organizationId = invokeOptions.organizationId ?? options.organizationId ?? "default";
    const startedAt = clock.now();
    // Never negative: the clock may step back during the call (NTP, or a reference clock's new offset).
    const elapsedMs = () => Math.max(0, clock.now() - startedAt);
    const prepared = await prepareCall(runtime, target, organizationId);
    try {
      const output = await executeCall(runtime, target, prepared, input, {
        organizationId,
        signal: invokeOptions.signal ?? NEVER_ABORTED,
        logger,
        metricsAgent: target.connector.id,
        ...(invokeOptions.scenario === undefined ? {} : { scenario: invokeOptions.scenario }),
        ...(invokeOptions.idempotencyKey === undefined ? {} : { idempotencyKey: invokeOptions.idempotencyKey }),
      });
      metrics.toolExecutionFinished({ connector: target.connector.id, action: actionName, status: "SUCCEEDED", durationMs: elapsedMs() });
      return output;
    } catch (error) {
      metrics.toolExecutionFinished({ connector: target.connector.id, action: actionName, status: "FAILED", durationMs: elapsedMs() });
      throw error;
    }
  }

  const forRun = (context: RunContext): ConnectorInvoker => ({
    async invoke(connector: string | ConnectorDefinition, actionName: string, input: unknown, invokeOptions: InvokeOptions = {}): Promise<never> {
      const target = targetOf(connector, actionName);
      checkInvokeOptions(invokeOptions, target.connector.id, actionName);
      const prepared = await prepareCall(runtime, target, context.organizationId);
      // ctx.tool records the ToolExecution (redacted with the connection's values) and reports its metric.
      return context.tool(
        { connector: target.connector.id, action: actionName },
        input,
        (call) =>
          executeCall(runtime, target, prepared, input, {
            organizationId: context.organizationId,
            signal: call.signal,
            logger: call.logger,
            metricsAgent: context.agentName,
            ...(invokeOptions.scenario === undefined ? {} : { scenario: invokeOptions.scenario }),
            idempotencyKey: invokeOptions.idempotencyKey ?? call.idempotencyKey,
            stepKey: call.stepKey,
          }),
        {
          secretValues: prepared.secretValues,
          repeatSafety: target.action.repeatSafety,
          ...(target.action.keyRetentionMs === undefined ? {} : { keyRetentionMs: target.action.keyRetentionMs }),
          ...(invokeOptions.stepKey === undefined ? {} : { key: invokeOptions.stepKey }),
        },
      ) as Promise<never>;
    },
  });

  return {
    mode,
    registry,
    get mock(): MockController {
      if (mockEngine === null) throw new ConfigurationError("The connector client is in live mode; client.mock exists in mock mode only.");
      return mockEngine.controller;
    },
    invoke: invokeOutsideRun as ConnectorInvoker["invoke"],
    forRun,
    catalog: () => registry.catalog().map((entry) => ({ ...entry, mode })),
    callConnection: (connectorId, organizationId, purpose) => callConnection(runtime, registry.get(connectorId), organizationId, purpose),
    breakerState: (connectorId, baseUrl) =>
      resilience.breakerState(connectorId, baseUrl === undefined ? undefined : breakerScopeOf(registry.get(connectorId), runtime.baseUrls[connectorId], baseUrl)),
    close: () => resilience.stop(),
  };
}
