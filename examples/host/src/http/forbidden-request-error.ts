/** A request refused with 403: authenticated, but missing what the action needs (a CSRF token, for example). */
export class ForbiddenRequestError extends Error {
  readonly statusCode = 403;
  override readonly name = "ForbiddenRequestError";
}
