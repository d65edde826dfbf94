import { type NeonhubError, RateLimitedError } from "@neonhub/core";
import { z } from "zod";
import type { HttpResponse } from "../http/http-types.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";

/** Discord's 429 carries `retry_after` (seconds, fractional) in the body; used when the header is absent. */
export function mapDiscordResponse(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined {
  if (response.status !== 429 || response.headers["retry-after"] !== undefined) return undefined;
  const body = response.body as { retry_after?: unknown; global?: unknown } | null;
  const seconds = typeof body?.retry_after === "number" && body.retry_after > 0 ? body.retry_after : 1;
  return new RateLimitedError(`Discord ${context.action} failed with HTTP 429: You are being rate limited.`, Math.ceil(seconds * 1_000), {
    details: { connector: "discord", action: context.action, status: 429, global: body?.global === true },
  });
}

/** DISCORD: a bot posts a message in a channel (`POST /api/v10/channels/{channel.id}/messages`). */
export const discordConnector = defineConnector({
  id: "discord",
  kind: "DISCORD",
  displayName: "Discord",
  description: "Posts messages to Discord channels as a bot.",
  baseUrl: "https://discord.com",
  auth: { type: "api_key", in: "header", name: "Authorization", prefix: "Bot ", field: "accessToken" },
  mapResponse: mapDiscordResponse,
  connectionTest: { method: "GET", path: "/api/v10/users/@me" },
  actions: {
    sendChannelMessage: defineAction({
      description: "Posts a text message in a channel; @everyone, role and user mentions do not ping unless allowed.",
      input: z.object({
        channelId: z.string().regex(/^\d{17,20}$/, "Use a channel id (a snowflake)."),
        content: z.string().min(1).max(2_000),
        allowMentions: z.boolean().default(false),
      }),
      output: z.object({ id: z.string(), channelId: z.string(), content: z.string(), timestamp: z.string() }),
      async run(input, ctx) {
        const response = await ctx.http.request({
          method: "POST",
          path: `/api/v10/channels/${input.channelId}/messages`,
          // Text written by an agent must not ping a whole server by accident.
          json: { content: input.content, ...(input.allowMentions ? {} : { allowed_mentions: { parse: [] } }) },
        });
        const body = response.body as { id?: string; channel_id?: string; content?: string; timestamp?: string };
        return { id: body.id ?? "", channelId: body.channel_id ?? input.channelId, content: body.content ?? input.content, timestamp: body.timestamp ?? "" };
      },
      fixture: (input, mock) => ({
        id: String(1_311_000_000_000_000_000n + BigInt(mock.integer(0, 999_999_999))),
        channelId: input.channelId,
        content: input.content,
        timestamp: mock.now().toISOString().replace("Z", "000+00:00"),
      }),
    }),
  },
});
