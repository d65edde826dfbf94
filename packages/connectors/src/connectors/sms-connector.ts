import { ConfigurationError, type NeonhubError } from "@neonhub/core";
import { z } from "zod";
import { mapHttpError } from "../http/map-http-error.js";
import type { HttpResponse } from "../http/http-types.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";

const DISPLAY_NAME = "SMS (Twilio)";

/**
 * Keeps Twilio's error `code` (`{ code, message, more_info, status }`) as `details.twilioCode`: its status says
 * little (every refused recipient is a 400), the code tells an invalid number (21211, 21614) from one that opted
 * out (21610). The status mapping stands.
 */
export function mapTwilioResponse(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined {
  const code = (response.body as { code?: unknown } | null)?.code;
  if (response.status < 300 || typeof code !== "number") return undefined;
  return mapHttpError(response, { connector: "sms", displayName: DISPLAY_NAME, action: context.action, nowMs: context.nowMs, details: { twilioCode: code } });
}

const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, "Use E.164 format, such as +14155550100.");

interface TwilioMessage {
  sid?: string;
  status?: string;
  to?: string;
  from?: string | null;
  date_created?: string | null;
  num_segments?: string | null;
}

/** SMS through Twilio's Messages API: form-encoded, basic auth with the account SID and auth token. */
export const smsConnector = defineConnector({
  id: "sms",
  kind: "SMS",
  displayName: DISPLAY_NAME,
  description: "Sends text messages through Twilio.",
  baseUrl: "https://api.twilio.com",
  apiVersion: { version: "2010-04-01", docsUrl: "https://www.twilio.com/docs/usage/api" },
  auth: { type: "basic", usernameField: "accountSid", passwordField: "authToken" },
  mapResponse: mapTwilioResponse,
  connectionTest: (credential) => ({ method: "GET", path: `/2010-04-01/Accounts/${encodeURIComponent(credential("accountSid") ?? "")}.json` }),
  actions: {
    sendSms: defineAction({
      description: "Sends a text message from a Twilio number or messaging service.",
      repeatSafety: "unsafe",
      endpoint: "POST /2010-04-01/Accounts/{AccountSid}/Messages.json",
      docsUrl: "https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource",
      input: z
        .object({
          to: e164,
          from: e164.optional(),
          messagingServiceSid: z.string().regex(/^MG[0-9a-fA-F]{32}$/).optional(),
          body: z.string().min(1).max(1600),
          statusCallback: z.url().optional(),
        })
        .refine((input) => input.from !== undefined || input.messagingServiceSid !== undefined, { message: "Give from or messagingServiceSid.", path: ["from"] }),
      output: z.object({
        sid: z.string().min(1),
        status: z.string(),
        to: z.string(),
        from: z.string().nullable(),
        dateCreated: z.string().nullable(),
        segments: z.number().int().nonnegative(),
      }),
      async run(input, ctx) {
        const accountSid = ctx.credential("accountSid");
        if (accountSid === undefined) throw new ConfigurationError("The sms connection needs an accountSid credential.");
        const response = await ctx.http.request({
          method: "POST",
          path: `/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`,
          form: { To: input.to, From: input.from, MessagingServiceSid: input.messagingServiceSid, Body: input.body, StatusCallback: input.statusCallback },
        });
        const message = response.body as TwilioMessage;
        return {
          sid: message.sid ?? "",
          status: message.status ?? "queued",
          to: message.to ?? input.to,
          from: message.from ?? null,
          dateCreated: message.date_created ?? null,
          segments: Number(message.num_segments ?? 0),
        };
      },
      fixture: (input, mock) => ({
        sid: `SM${mock.hex(32)}`,
        status: "queued",
        to: input.to,
        from: input.from ?? null,
        dateCreated: mock.now().toUTCString().replace("GMT", "+0000"),
        segments: Math.max(1, Math.ceil(input.body.length / 160)),
      }),
    }),
  },
});
