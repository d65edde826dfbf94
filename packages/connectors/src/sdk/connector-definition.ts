import type { Logger, NeonhubError, RepeatSafety } from "@neonhub/core";
import type { z } from "zod";
import type { AuthSpec } from "../auth/auth-spec.js";
import type { HttpClient, HttpRequest, HttpResponse } from "../http/http-types.js";
import type { PagingSpec } from "./page.js";

/** What an action's `run` receives besides its input. */
export interface ActionContext {
  /** HTTP client bound to the connection's credentials, deadline and signal. */
  http: HttpClient;
  /** Aborts when the run is cancelled or the call's deadline passes. */
  signal: AbortSignal;
  /** Logger with every credential value of the connection redacted. */
  logger: Logger;
  organizationId: string;
  /** A credential field of the connection, for values that go in paths or bodies (Twilio's account SID). */
  credential(name: string): string | undefined;
  /**
   * The call's idempotency key: inside a run, the step's key (the same on every retry and resume of the run);
   * outside runs, `InvokeOptions.idempotencyKey` when given. An action declared `with-key` sends it the way its
   * provider documents (Stripe's and Resend's `Idempotency-Key` header, Discord's message `nonce`).
   */
  idempotencyKey: string | undefined;
}

/** Deterministic helpers for mock fixtures: the same seed, input and call order give the same values. */
export interface MockContext {
  /** A seeded identifier made of `prefix` and `length` letters and digits. */
  id(prefix?: string, length?: number): string;
  /** A seeded lower-case hexadecimal string of `length` digits. */
  hex(length: number): string;
  /** A seeded UUID (version 4 layout). */
  uuid(): string;
  /** A seeded integer between `min` and `max`, both included. */
  integer(min: number, max: number): number;
  /** A seeded element of `values`. */
  pick<T>(values: readonly T[]): T;
  /** A fixed point in time (the mock epoch plus the call's position), never the wall clock. */
  now(): Date;
  /** How many earlier calls had exactly this input (0 for the first). */
  occurrence: number;
}

/** One action of a connector. */
export interface ActionDefinition<Input extends z.ZodType = z.ZodType, Output extends z.ZodType = z.ZodType> {
  description: string;
  input: Input;
  output: Output;
  /**
   * Whether the action may be repeated when its outcome is unknown: `safe` for reads (and actions that set a
   * value absolutely), `with-key` when the provider deduplicates by the call's idempotency key (the action must
   * send {@link ActionContext.idempotencyKey}), `unsafe` for anything else that acts. An unsafe action is never
   * retried after a timeout, a lost connection or a 5xx; it fails with `STEP_OUTCOME_UNKNOWN` instead.
   */
  repeatSafety: RepeatSafety;
  /**
   * For a `with-key` action: how long the provider keeps a key, in whole milliseconds, as its documentation says
   * (or less, when it is vague). Inside a run it becomes the step's `keyRetentionMs`: the step is journaled as
   * started, and a run resumed once the provider may have forgotten the key (the retention less the orchestrator's
   * lease) fails with `STEP_OUTCOME_UNKNOWN` instead of sending again. Without it, a `with-key` step is always
   * repeated, however late its run is resumed.
   */
  keyRetentionMs?: number;
  /** The provider's reference page of the endpoint(s) the action calls. */
  docsUrl?: string;
  /** The HTTP method and path the action calls, as the provider's reference names them (`POST /2/tweets`). */
  endpoint?: string;
  /** For list actions: how the provider pages. The action then takes `cursor` and answers `{ items, nextCursor }`. */
  paging?: PagingSpec;
  /** Performs the action against the provider. */
  run(input: z.output<Input>, context: ActionContext): Promise<z.input<Output>>;
  /** The default mock answer; must satisfy `output`. */
  fixture(input: z.output<Input>, context: MockContext): z.input<Output>;
}

/** Requests a connector may make: pacing through a queue, only applied when declared. */
export interface RateLimitSpec {
  /** Requests allowed per `intervalMs`. */
  requests?: number;
  intervalMs?: number;
  /** Minimum time between two requests. */
  minTimeMs?: number;
  /** Requests in flight at once. */
  maxConcurrent?: number;
}

/** Calls with the same key start at least `minTimeMs` apart. */
export interface KeyedPacingSpec {
  minTimeMs: number;
  key(call: { action: string; input: unknown; organizationId: string }): string | undefined;
}

/** Retries of transient failures (429, 5xx, timeouts), honouring `Retry-After`. */
export interface RetrySpec {
  /** Total attempts including the first. Default 3. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for; the error goes to the caller. Default 30,000. */
  maxRetryAfterMs?: number;
}

/** The per-connector circuit breaker. */
export interface BreakerSpec {
  /** Consecutive transient failures that open it. Default 5. */
  failureThreshold?: number;
  /** How long it stays open before letting one call through. Default 30,000. */
  resetTimeoutMs?: number;
}

/**
 * A request made with a connection's credentials: a fixed request, or one built from the connection's non-secret
 * fields (an account id in the path).
 */
export type ConnectionRequest = HttpRequest | ((credential: (name: string) => string | undefined) => HttpRequest);

/** A connector: a provider's API as a set of typed actions. Create with {@link defineConnector}. */
export interface ConnectorDefinition<Actions extends Record<string, ActionDefinition> = Record<string, ActionDefinition>> {
  /** Registry key: lower-case letters, digits and `-` (`slack`, `google-ads`). */
  id: string;
  /** Platform kind (`SLACK`, `EMAIL`) or the plugin's own upper-case kind. */
  kind: string;
  displayName: string;
  description?: string;
  /**
   * Default base URL. A connection's `baseUrl` credential field wins over everything, then the client's `baseUrls`
   * entry for the connector, then {@link ConnectorDefinition.baseUrlFrom}, then this.
   */
  baseUrl: string;
  /**
   * The base URL of a connection, for providers whose host is named by the credentials themselves (Mailchimp's
   * `https://<dc>.api.mailchimp.com`, `<dc>` being the API key's suffix). Called in live mode, once per call, with
   * the connection's credential fields, when neither the connection's `baseUrl` nor the client's `baseUrls` names
   * one; it must return an absolute `https://` URL (`http://` only to a loopback address, a local stand-in in
   * tests). When it throws or returns anything else, the call fails before any request is sent, with a
   * `ConnectorBaseUrlError` (`CONFIGURATION_INVALID`). Check the credential's part before putting it in the URL: a
   * key's suffix should not be able to name another host.
   * @example
   * baseUrlFrom: (credential) => {
   *   const dataCenter = /-([a-z]+\d+)$/.exec(credential("apiKey") ?? "")?.[1];
   *   if (dataCenter === undefined) throw new Error("The API key ends in no data center (-us6).");
   *   return `https://${dataCenter}.api.mailchimp.com/3.0`;
   * },
   */
  baseUrlFrom?(credential: (name: string) => string | undefined): string;
  auth: AuthSpec;
  rateLimit?: RateLimitSpec;
  /**
   * Spacing of calls that share a key, in live mode: Slack's one message per second per channel, Shopify's
   * requests per store. `key` returns undefined for calls that are not spaced.
   */
  keyedPacing?: KeyedPacingSpec;
  retry?: RetrySpec;
  breaker?: BreakerSpec;
  /** Deadline of one attempt. Default 30,000 ms. */
  timeoutMs?: number;
  /**
   * Turns a provider answer into an error before the default status mapping, for APIs that report failures in
   * the body (Slack's `ok: false`). Return undefined to keep the default behaviour. It is called for every answer,
   * 2xx included. The error's `details` get the `connector`, `action` and HTTP `status` where it has none of its
   * own; a 5xx status counts as an outcome that may have acted, so an `unsafe` action is not repeated after it. For
   * a 2xx answer whose body says the provider may have acted anyway, set `details.outcome: "unknown"`.
   * @example
   * mapResponse: (response, { action }) => {
   *   const body = response.body as { category?: string; message?: string } | null;
   *   if (response.status === 409 && body?.category === "CONFLICT") {
   *     return new ContentRefusedError(`HubSpot ${action}: ${body.message}`, { reason: "duplicate" });
   *   }
   *   return undefined;
   * },
   */
  mapResponse?(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined;
  /** The provider API version the connector is pinned to, with its published deprecation and sunset dates. */
  apiVersion?: ApiVersionSpec;
  /** A cheap read-only call that proves a connection works (Slack `auth.test`, Stripe's balance). */
  connectionTest?: ConnectionRequest;
  /**
   * A call that withdraws the connection's grant at the provider (Slack `auth.revoke`), made when a connection is
   * deleted. An OAuth2 connector with a `revocationUrl` is revoked through RFC 7009 instead where the service has an
   * OAuth client for it (the endpoint authenticates the client); without one, this call is made if it is declared.
   */
  revocation?: ConnectionRequest;
  actions: Actions;
}

/** The provider API version a connector is pinned to: declared once, read by health checks and metrics. */
export interface ApiVersionSpec {
  /** As the provider names it (`v23`, `2026-10`, `202610`). */
  version: string;
  /** When the provider deprecated it, as `YYYY-MM-DD`, when it publishes one. */
  deprecatedAt?: string;
  /** When the provider stops serving it, as `YYYY-MM-DD`, when it publishes one. */
  sunsetAt?: string;
  /** The provider's page of versions and their dates. */
  docsUrl: string;
}

/** A package of connectors, registered at once. */
export interface ConnectorPlugin {
  name: string;
  connectors: readonly ConnectorDefinition[];
}

/** Input type of an action of a connector. */
export type ActionInput<C extends ConnectorDefinition, A extends keyof C["actions"]> = z.input<C["actions"][A]["input"]>;
/** Output type of an action of a connector. */
export type ActionOutput<C extends ConnectorDefinition, A extends keyof C["actions"]> = z.output<C["actions"][A]["output"]>;
