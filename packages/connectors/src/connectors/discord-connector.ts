import { createHash } from "node:crypto";
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

/**
 * How long Discord is taken to keep a nonce. Its reference says only that `enforce_nonce` checks "the past few
 * minutes": two minutes is the least that reads as a few.
 */
const NONCE_RETENTION_MS = 2 * 60_000;

/** Discord's longest nonce. */
const MAX_NONCE_LENGTH = 25;

/** The key itself when it fits Discord's 25 characters, else a digest of it (the same key gives the same nonce). */
export function discordNonce(idempotencyKey: string): string {
  if (idempotencyKey.length <= MAX_NONCE_LENGTH) return idempotencyKey;
  return createHash("sha256").update(idempotencyKey).digest("base64url").slice(0, MAX_NONCE_LENGTH);
}

/** DISCORD: a bot posts a message in a channel (`POST /api/v10/channels/{channel.id}/messages`). */
export const discordConnector = defineConnector({
  id: "discord",
  kind: "DISCORD",
  displayName: "Discord",
  description: "Posts messages to Discord channels as a bot.",
  baseUrl: "https://discord.com",
  apiVersion: { version: "v10", docsUrl: "https://discord.com/developers/docs/reference#api-versioning" },
  auth: { type: "api_key", in: "header", name: "Authorization", prefix: "Bot ", field: "accessToken" },
  mapResponse: mapDiscordResponse,
  connectionTest: { method: "GET", path: "/api/v10/users/@me" },
  actions: {
    sendChannelMessage: defineAction({
      description: "Posts a text message in a channel; @everyone, role and user mentions do not ping unless allowed.",
      repeatSafety: "with-key",
      keyRetentionMs: NONCE_RETENTION_MS,
      endpoint: "POST /api/v10/channels/{channel.id}/messages",
      docsUrl: "https://discord.com/developers/docs/resources/message#create-message",
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
          json: {
            content: input.content,
            ...(input.allowMentions ? {} : { allowed_mentions: { parse: [] } }),
            // With enforce_nonce, Discord returns the message already created with this nonce instead of a second one.
            ...(ctx.idempotencyKey === undefined ? {} : { nonce: discordNonce(ctx.idempotencyKey), enforce_nonce: true }),
          },
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
