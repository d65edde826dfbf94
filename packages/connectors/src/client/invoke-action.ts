import {
  type Clock,
  type ConnectionCredentials,
  type CredentialStore,
  type FieldError,
  UpstreamFailedError,
  type Logger,
  type RepeatSafety,
  StepOutcomeUnknownError,
  type MetricsSink,
  type NeonhubError,
  type Redactor,
  ValidationError,
  createRedactingLogger,
  createRedactor,
  fieldErrorsFromZod,
} from "@neonhub/core";
import type { OAuthClientLookup } from "../auth/oauth-client.js";
import type { OAuth2Refresher } from "../auth/oauth2-refresher.js";
import { credentialSecretValues, oauthClientSecretValues } from "../auth/secret-values.js";
import type { MockEngine } from "../mock/mock-engine.js";
import type { MockScenario } from "../mock/mock-types.js";
import type { ConnectorResilience } from "../resilience/connector-resilience.js";
import { runWithDeadline } from "../resilience/run-with-deadline.js";
import type { ActionDefinition, ConnectorDefinition } from "../sdk/connector-definition.js";
import { breakerScopeOf } from "./breaker-scope.js";
import { mayHaveActed } from "./may-have-acted.js";
import { normalizeError } from "./normalize-error.js";
import { resolveBaseUrl } from "./resolve-base-url.js";
import type { ConnectorMode } from "./resolve-mode.js";
import { runLiveAction } from "./run-live-action.js";

/** Default deadline of one attempt of a connector call. */
export const DEFAULT_CONNECTOR_TIMEOUT_MS = 30_000;

/** What every call of one client shares. */
export interface InvocationRuntime {
  mode: ConnectorMode;
  clock: Clock;
  credentials: CredentialStore | null;
  refresher: OAuth2Refresher | null;
  resilience: ConnectorResilience;
  mock: MockEngine | null;
  metrics: MetricsSink;
  baseUrls: Readonly<Record<string, string>>;
  secretValues: readonly string[];
  redactKeys: readonly string[];
  /** The operator's OAuth clients, whose secrets are redacted like the connections' own. */
  oauthClients: OAuthClientLookup | null;
  /** Largest provider response body read. */
  maxResponseBytes: number;
}

/** The connector action being called. */
export interface CallTarget {
  connector: ConnectorDefinition;
  actionName: string;
  action: ActionDefinition;
}

/** Who calls, with what signal and logger. */
export interface CallScope {
  organizationId: string;
  signal: AbortSignal;
  logger: Logger;
  /** Label for the `rateLimited` metric: the agent inside a run, the connector outside. */
  metricsAgent: string;
  scenario?: MockScenario;
  /** The call's idempotency key (the step's inside a run), given to the action. */
  idempotencyKey?: string;
  /** The run's step key, to name the step in a `STEP_OUTCOME_UNKNOWN` error. */
  stepKey?: string;
}

/** The connection and redaction of a call, loaded before it starts so that its recorder knows the secrets. */
export interface PreparedCall {
  connection: ConnectionCredentials | null;
  /** Every secret value the call may meet; a token refresh during the call adds the new ones. */
  secretValues: string[];
  redactor: Redactor;
}

/**
 * Loads the connection (when there is a store) and builds the redactor of every value it holds, of the operator's
 * OAuth client of the connector, and of the client's own secret values.
 */
export async function prepareCall(runtime: InvocationRuntime, target: CallTarget, organizationId: string): Promise<PreparedCall> {
  let connection: ConnectionCredentials | null = null;
  const { connector } = target;
  if (runtime.credentials !== null && connector.auth.type !== "none") {
    connection = await runtime.credentials.get(organizationId, connector.id);
  }
  const oauthClient = connector.auth.type === "oauth2" ? runtime.oauthClients?.(connector.id) : undefined;
  const secretValues = [...credentialSecretValues(connection?.credentials ?? {}), ...oauthClientSecretValues(oauthClient), ...runtime.secretValues];
  return { connection, secretValues, redactor: createRedactor({ keys: runtime.redactKeys, values: secretValues }) };
}

/** A redactor that always applies the call's current one, which a token refresh replaces with one knowing the new tokens. */
const currentRedactorOf = (prepared: PreparedCall): Redactor => ({
  redact: (value) => prepared.redactor.redact(value),
  redactText: (text) => prepared.redactor.redactText(text),
  withValues: (values) => prepared.redactor.withValues(values),
});

/** A `with-key` action called without a key cannot be deduplicated by its provider: it is as unsafe as any. */
function effectiveRepeatSafety(declared: RepeatSafety, idempotencyKey: string | undefined): RepeatSafety {
  return declared === "with-key" && idempotencyKey === undefined ? "unsafe" : declared;
}

function outcomeUnknown(target: CallTarget, failure: NeonhubError, stepKey: string | undefined): StepOutcomeUnknownError {
  const connector = target.connector.id;
  const action = target.actionName;
  const label = `${connector}.${action}`;
  return new StepOutcomeUnknownError(
    `${label}${stepKey === undefined ? "" : ` (step ${stepKey})`} may or may not have taken effect (${failure.message}); it is not repeated because repeating it is unsafe.`,
    { cause: failure, details: { connector, action, failureCode: failure.code }, ...(stepKey === undefined ? {} : { stepKey }) },
  );
}

/** Field errors shown in an output mismatch's message; the rest are counted (all are in `details.fieldErrors`). */
const SUMMARIZED_FIELD_ERRORS = 5;

/** `items.0.id: Invalid input: expected string, received number; ...`, the first few field errors for a message. */
function summarizeFieldErrors(fieldErrors: readonly FieldError[]): string {
  const shown = fieldErrors.slice(0, SUMMARIZED_FIELD_ERRORS).map((problem) => `${problem.path || "(root)"}: ${problem.message}`);
  const more = fieldErrors.length - shown.length;
  return `${shown.join("; ")}${more > 0 ? `; and ${more} more` : ""}.`;
}

/**
 * Validates the input, then runs the action (live or mocked) through the connector's pacing, breaker, retries
 * and deadline, validates its output, and returns it. Every error that leaves is a redacted NeonHub error.
 */
export async function executeCall(runtime: InvocationRuntime, target: CallTarget, prepared: PreparedCall, rawInput: unknown, scope: CallScope): Promise<unknown> {
  const { connector, actionName, action } = target;
  const label = `${connector.id}.${actionName}`;
  const logger = createRedactingLogger(scope.logger.child({ connector: connector.id, action: actionName }), currentRedactorOf(prepared));
  try {
    const parsed = action.input.safeParse(rawInput);
    if (!parsed.success) {
      const fieldErrors = fieldErrorsFromZod(parsed.error);
      const summary = fieldErrors.map((problem) => `${problem.path || "(root)"}: ${problem.message}`).join("; ");
      throw new ValidationError(`Invalid input for ${label}: ${summary}`, fieldErrors, { details: { connector: connector.id, action: actionName } });
    }
    const safety = effectiveRepeatSafety(action.repeatSafety, scope.idempotencyKey);
    // Mock mode sends nothing, so it derives no base URL: a connection that gives none still gets its fixtures.
    const baseUrl = runtime.mode === "live" ? resolveBaseUrl(connector, prepared.connection, runtime.baseUrls[connector.id]) : connector.baseUrl;
    const output = await runtime.resilience.execute(
      connector,
      async () => {
        const sent = { request: false };
        const onSend = () => {
          sent.request = true;
        };
        const attempt = (signal: AbortSignal) => {
          if (runtime.mode === "mock" && runtime.mock !== null) {
            // A mocked failure stands for the provider's answer, so the mock has "received" the request.
            onSend();
            return runtime.mock.execute({ connector, actionName, action, input: parsed.data, organizationId: scope.organizationId, signal, ...(scope.scenario === undefined ? {} : { scenario: scope.scenario }) });
          }
          return runLiveAction(runtime, target, prepared, parsed.data, { baseUrl, organizationId: scope.organizationId, signal, logger, idempotencyKey: scope.idempotencyKey, onSend });
        };
        try {
          return await runWithDeadline(attempt, { clock: runtime.clock, timeoutMs: connector.timeoutMs ?? DEFAULT_CONNECTOR_TIMEOUT_MS, description: `${connector.displayName} ${actionName}`, signal: scope.signal });
        } catch (error) {
          const failure = normalizeError(error, prepared.redactor, label, scope.signal);
          // Reported for every refused attempt, where it happens, even when a retry then succeeds.
          if (failure.code === "RATE_LIMITED") runtime.metrics.rateLimited({ agent: scope.metricsAgent, scope: "connector" });
          if (safety === "unsafe" && !scope.signal.aborted && mayHaveActed(failure, sent.request)) throw outcomeUnknown(target, failure, scope.stepKey);
          throw failure;
        }
      },
      {
        signal: scope.signal,
        onRetry: (error) => logger.warn({ code: (error as { code?: unknown }).code }, `${label} failed; trying again`),
        pacingKey: connector.keyedPacing?.key({ action: actionName, input: parsed.data, organizationId: scope.organizationId }),
        organizationId: scope.organizationId,
        breakerScope: runtime.mode === "live" ? breakerScopeOf(connector, runtime.baseUrls[connector.id], baseUrl) : undefined,
      },
    );
    const checked = action.output.safeParse(output);
    if (!checked.success) {
      const fieldErrors = fieldErrorsFromZod(checked.error);
      throw new UpstreamFailedError(`${label} answered with an output that does not match its schema: ${summarizeFieldErrors(fieldErrors)}`, {
        details: { connector: connector.id, action: actionName, fieldErrors },
      });
    }
    return checked.data;
  } catch (error) {
    const safe = normalizeError(error, prepared.redactor, label, scope.signal);
    logger.warn({ code: safe.code, retryable: safe.isRetryable }, `${label} failed: ${safe.message}`);
    throw safe;
  }
}
