import { z } from "zod";
import { defineAction, defineConnector } from "../sdk/define-connector.js";

const recipients = z.union([z.string().min(3), z.array(z.string().min(3)).min(1).max(50)]);

const sendEmailInput = z
  .object({
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
  })
  .refine((input) => input.html !== undefined || input.text !== undefined, { message: "Give html or text (or both).", path: ["html"] });

/** EMAIL through Resend's API (`POST /emails`, bearer API key), with no SMTP server involved. */
export const emailConnector = defineConnector({
  id: "email",
  kind: "EMAIL",
  displayName: "Email (Resend)",
  description: "Sends transactional and marketing email through Resend.",
  baseUrl: "https://api.resend.com",
  apiVersion: { version: "unversioned", docsUrl: "https://resend.com/docs/api-reference/introduction" },
  auth: { type: "bearer", field: "apiKey" },
  // Resend's default limit is 2 requests per second per team.
  rateLimit: { requests: 2, intervalMs: 1_000 },
  actions: {
    sendEmail: defineAction({
      description: "Sends one email to up to 50 recipients.",
      repeatSafety: "with-key",
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
