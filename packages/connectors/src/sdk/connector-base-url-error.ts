import { ConfigurationError, isNeonhubError } from "@neonhub/core";

/** Why a connector's `baseUrlFrom` gave no base URL: it threw, or returned what is not a URL the SDK sends to. */
export type ConnectorBaseUrlReason = "threw" | "invalid_url";

const REASONS: readonly string[] = ["threw", "invalid_url"] satisfies ConnectorBaseUrlReason[];

/**
 * A connector's `baseUrlFrom` gave no usable base URL for the connection's credentials, so nothing was sent. Its code
 * is `CONFIGURATION_INVALID` and it is not retried; `details.connector` and `details.reason` tell it apart. The
 * message never quotes the credentials or the returned value; what `baseUrlFrom` threw is the `cause`.
 */
export class ConnectorBaseUrlError extends ConfigurationError {
  readonly connector: string;
  readonly reason: ConnectorBaseUrlReason;
  constructor(connector: string, reason: ConnectorBaseUrlReason, problem: string, options: { cause?: unknown } = {}) {
    super(`Connector "${connector}" could not derive a base URL from the connection's credentials: ${problem}. Nothing was sent; check the connection's credentials.`, {
      cause: options.cause,
      details: { connector, reason },
    });
    this.name = "ConnectorBaseUrlError";
    this.connector = connector;
    this.reason = reason;
  }
}

/**
 * True for a base URL that a connector could not derive from a connection's credentials (any copy of the package).
 * @example
 * if (isConnectorBaseUrlError(error)) askForNewCredentials(error.details.connector);
 */
export function isConnectorBaseUrlError(value: unknown): value is ConnectorBaseUrlError {
  if (!isNeonhubError(value, "CONFIGURATION_INVALID")) return false;
  const details = value.details ?? {};
  return typeof details.connector === "string" && REASONS.includes(details.reason as string);
}
