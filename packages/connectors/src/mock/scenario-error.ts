import { type NeonhubError, RateLimitedError, TimeoutError, UpstreamFailedError, ValidationError } from "@neonhub/core";
import { ConnectorAuthError } from "../sdk/connector-auth-error.js";
import type { MockScenario, MockScenarioName } from "./mock-types.js";

/** Wait carried by a mocked `rate_limited` answer when the scenario does not say. */
export const DEFAULT_MOCK_RETRY_AFTER_MS = 1_000;

/** The name of a scenario given by name or with options. */
export function scenarioName(scenario: MockScenario): MockScenarioName {
  return typeof scenario === "string" ? scenario : scenario.type;
}

/** The error a failure scenario produces: the same class, code and retry hints as the live failure. */
export function scenarioError(scenario: MockScenario, target: { connector: string; action: string }): NeonhubError | null {
  const name = scenarioName(scenario);
  const options: { retryAfterMs?: number; message?: string } = typeof scenario === "string" ? {} : scenario;
  const label = `${target.connector}.${target.action}`;
  const details = { ...target, mock: true };
  switch (name) {
    case "ok":
      return null;
    case "rate_limited":
      return new RateLimitedError(options.message ?? `Mocked ${label} is rate limited.`, options.retryAfterMs ?? DEFAULT_MOCK_RETRY_AFTER_MS, {
        details: { ...details, status: 429 },
      });
    case "server_error":
      return new UpstreamFailedError(options.message ?? `Mocked ${label} failed with HTTP 503.`, { isRetryable: true, details: { ...details, status: 503 } });
    case "timeout":
      return new TimeoutError(options.message ?? `Mocked ${label} timed out.`, { isRetryable: true, details });
    case "auth_expired":
      return new ConnectorAuthError(target.connector, "needs_reauth", options.message ?? `Mocked ${label}: the connection must be authorized again.`, { status: 401 });
    case "invalid_input":
      return new ValidationError(options.message ?? `Mocked ${label} was rejected by the provider as invalid.`, [], { details: { ...details, status: 400 } });
  }
}
