import { type NeonhubError, UpstreamFailedError, ValidationError } from "@neonhub/core";
import { z } from "zod";
import { mapHttpError, providerMessage } from "../http/map-http-error.js";
import type { HttpResponse } from "../http/http-types.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";

const DISPLAY_NAME = "Email (Resend)";

/**
 * Maps Resend's error body (`{ statusCode, message, name }`) by its `name` where the status alone misleads: a 409
 * `concurrent_idempotent_requests` (the first request with the key is still in progress) is retryable, unlike
 * `invalid_idempotent_request` (the key was used with another email); a 403 `validation_error` (testing emails go
 * only to the account's own address, or the sender's domain is not verified) is a validation error, not refused
 * credentials. Every error keeps the `name` as `details.resendError`.
 */
export function mapResendResponse(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined {
  const name = (response.body as { name?: unknown } | null)?.name;
  if (response.status < 400 || typeof name !== "string") return undefined;
  const details = { connector: "email", action: context.action, status: response.status, resendError: name };
  const message = `${DISPLAY_NAME} ${context.action} failed with HTTP ${response.status}: ${providerMessage(response.body)}`;
  // Repeated once the first request has finished, the same key answers that request's result.
  if (response.status === 409 && name === "concurrent_idempotent_requests") return new UpstreamFailedError(message, { isRetryable: true, details });
  if (response.status === 403 && name === "validation_error") return new ValidationError(message, [], { details });
  return mapHttpError(response, { connector: "email", displayName: DISPLAY_NAME, action: context.action, nowMs: context.nowMs, details: { resendError: name } });
}

const recipients = z.union([z.string().min(3), z.array(z.string().min(3)).min(1).max(50)]);

const sendEmailFields = z.object({
  /** `Name <sender@example.com>` or a plain address of a verified domain. */
  from: z.string().min(3),
  to: recipients,
  subject: z.string().min(1).max(998),
  html: z.string().optional(),
  text: z.string().optional(),
  cc: recipients.optional(),
  bcc: recipients.optional(),
  replyTo: recipients.optional(),
  tags: z.array(z.object({ name: z.string().min(1), value: z.string().min(1) })).optional(),
  /** Sent as `Idempotency-Key` so that a retried send is delivered once. */
  idempotencyKey: z.string().min(1).max(256).optional(),
});

/** The message body of an email: `html`, `text` or both, never neither (checked at run time too). */
export type EmailBody = { html: string; text?: string } | { html?: string; text: string };

/** Input of `sendEmail`: the fields of the schema, with the body required at the type level. */
export type SendEmailInput = Omit<z.input<typeof sendEmailFields>, "html" | "text"> & EmailBody;

// zod's `refine` cannot narrow a type, so the schema is typed with the union that the refinement enforces.
const sendEmailInput = sendEmailFields.refine((input) => input.html !== undefined || input.text !== undefined, {
  message: "Give html or text (or both).",
  path: ["html"],
}) as unknown as z.ZodType<Omit<z.output<typeof sendEmailFields>, "html" | "text"> & EmailBody, SendEmailInput>;

/** EMAIL through Resend's API (`POST /emails`, bearer API key), with no SMTP server involved. */
export const emailConnector = defineConnector({
  id: "email",
  kind: "EMAIL",
  displayName: DISPLAY_NAME,
  description: "Sends transactional and marketing email through Resend.",
  baseUrl: "https://api.resend.com",
  apiVersion: { version: "unversioned", docsUrl: "https://resend.com/docs/api-reference/introduction" },
  auth: { type: "bearer", field: "apiKey" },
  // Resend's default limit is 2 requests per second per team.
  rateLimit: { requests: 2, intervalMs: 1_000 },
  mapResponse: mapResendResponse,
  connectionTest: { method: "GET", path: "/domains" },
  actions: {
    sendEmail: defineAction({
      description: "Sends one email to up to 50 recipients.",
      repeatSafety: "with-key",
      // Resend deduplicates a key against the emails of the last 24 hours.
      keyRetentionMs: 24 * 3_600_000,
      endpoint: "POST /emails",
      docsUrl: "https://resend.com/docs/api-reference/emails/send-email",
      input: sendEmailInput,
      output: z.object({ id: z.string().min(1) }),
      async run(input, ctx) {
        // The input's own key wins over the call's; Resend remembers a key for 24 hours.
        const idempotencyKey = input.idempotencyKey ?? ctx.idempotencyKey;
        const response = await ctx.http.request({
          method: "POST",
          path: "/emails",
          ...(idempotencyKey === undefined ? {} : { headers: { "Idempotency-Key": idempotencyKey } }),
          json: {
            from: input.from,
            to: input.to,
            subject: input.subject,
            html: input.html,
            text: input.text,
            cc: input.cc,
            bcc: input.bcc,
            reply_to: input.replyTo,
            tags: input.tags,
          },
        });
        return { id: String((response.body as { id?: unknown }).id ?? "") };
      },
      fixture: (_input, mock) => ({ id: mock.uuid() }),
    }),
  },
});
