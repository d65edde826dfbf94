/** Codes of the connection API's own failures, each with its HTTP status. */
export const CONNECTION_ERROR_STATUS = Object.freeze({
  CONNECTOR_NOT_FOUND: 404,
  CONNECTION_NOT_FOUND: 404,
  CONNECTION_TEST_UNAVAILABLE: 409,
  OAUTH_NOT_SUPPORTED: 409,
  OAUTH_NOT_CONFIGURED: 409,
  OAUTH_MOCK_MODE: 409,
  RETURN_URL_NOT_ALLOWED: 400,
  OAUTH_STATE_INVALID: 400,
  OAUTH_STATE_EXPIRED: 400,
  OAUTH_PKCE_MISSING: 400,
  OAUTH_STATE_MISMATCH: 403,
  OAUTH_COMPLETION_REQUIRED: 400,
  OAUTH_GRANT_INVALID: 400,
  OAUTH_GRANT_EXPIRED: 400,
  OAUTH_GRANT_CONNECTOR_MISMATCH: 400,
  OAUTH_GRANT_MISMATCH: 403,
  OAUTH_BASE_URL_REFUSED: 400,
} as const);

/** A stable code of {@link CONNECTION_ERROR_STATUS}. */
export type ConnectionErrorCode = keyof typeof CONNECTION_ERROR_STATUS;

/**
 * A refusal of the connection API, with a stable code and the HTTP status of that code. Messages never carry
 * credential values.
 */
export class ConnectionApiError extends Error {
  readonly code: ConnectionErrorCode;
  readonly status: number;
  constructor(code: ConnectionErrorCode, message: string) {
    super(message);
    this.name = "ConnectionApiError";
    this.code = code;
    this.status = CONNECTION_ERROR_STATUS[code];
  }
}
