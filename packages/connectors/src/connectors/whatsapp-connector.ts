import { z } from "zod";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { GRAPH_API_VERSION, GRAPH_API_VERSION_SPEC } from "./graph-api-response.js";
import { mapWhatsappResponse } from "./whatsapp-response.js";

interface WhatsAppSendResponse {
  contacts?: Array<{ input?: string; wa_id?: string }>;
  messages?: Array<{ id?: string; message_status?: string }>;
}

/** WHATSAPP: send a text message through the WhatsApp Business Cloud API (`POST /{version}/{phone-number-id}/messages`). */
export const whatsappConnector = defineConnector({
  id: "whatsapp",
  kind: "WHATSAPP",
  displayName: "WhatsApp Business",
  description: "Sends WhatsApp messages from a business phone number.",
  baseUrl: "https://graph.facebook.com",
  apiVersion: GRAPH_API_VERSION_SPEC,
  auth: { type: "bearer", field: "accessToken" },
  // Any Graph token answers /me (a person, a Page or a system user): cheap, read-only, proves the token works.
  connectionTest: { method: "GET", path: `/${GRAPH_API_VERSION}/me` },
  mapResponse: mapWhatsappResponse,
  actions: {
    sendMessage: defineAction({
      description: "Sends a text message to a WhatsApp user from a business phone number.",
      repeatSafety: "unsafe",
      endpoint: "POST /{version}/{phone-number-id}/messages",
      docsUrl: "https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages",
      input: z.object({
        phoneNumberId: z.string().regex(/^\d+$/, "Use the numeric id of the business phone number."),
        to: z.string().regex(/^\+?[1-9]\d{6,14}$/, "Use the recipient's phone number with country code, such as +16505551234."),
        text: z.string().min(1).max(4_096),
        previewUrl: z.boolean().optional(),
      }),
      output: z.object({ messageId: z.string().min(1), waId: z.string().nullable() }),
      async run(input, ctx) {
        const response = await ctx.http.request({
          method: "POST",
          path: `/${GRAPH_API_VERSION}/${input.phoneNumberId}/messages`,
          json: {
            messaging_product: "whatsapp",
            recipient_type: "individual",
            to: input.to,
            type: "text",
            text: { body: input.text, ...(input.previewUrl === undefined ? {} : { preview_url: input.previewUrl }) },
          },
        });
        const body = response.body as WhatsAppSendResponse;
        return { messageId: body.messages?.[0]?.id ?? "", waId: body.contacts?.[0]?.wa_id ?? null };
      },
      fixture: (input, mock) => ({ messageId: `wamid.${mock.id("HBgL", 52)}`, waId: input.to.replace(/^\+/, "") }),
    }),
  },
});
