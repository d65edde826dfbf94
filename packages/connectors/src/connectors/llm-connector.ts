import { type NeonhubError, UpstreamFailedError } from "@neonhub/core";
import { z } from "zod";
import { providerMessage } from "../http/map-http-error.js";
import type { HttpResponse } from "../http/http-types.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";

const DISPLAY_NAME = "LLM (OpenAI-compatible)";

/**
 * OpenAI answers 429 both for a rate limit and for `insufficient_quota` (the credits or the monthly budget are used
 * up): the second waits for billing, not for time, so it is a non-retryable `UPSTREAM_FAILED`
 * (`details.reason: "insufficient_quota"`). Every other answer keeps the status mapping.
 */
export function mapLlmResponse(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined {
  if (response.status !== 429) return undefined;
  const error = (response.body as { error?: { code?: unknown; type?: unknown } } | null)?.error;
  if (error?.code !== "insufficient_quota" && error?.type !== "insufficient_quota") return undefined;
  return new UpstreamFailedError(`${DISPLAY_NAME} ${context.action} failed with HTTP 429: ${providerMessage(response.body)}`, {
    isRetryable: false,
    details: { connector: "llm", action: context.action, status: 429, reason: "insufficient_quota" },
  });
}

const message = z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() });

interface CompletionAnswer {
  id?: string;
  model?: string;
  choices?: Array<{ message?: { content?: string | null }; finish_reason?: string | null }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
}

const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** LLM: OpenAI-compatible chat completions (`POST {baseUrl}/chat/completions`), for any compatible server. */
export const llmConnector = defineConnector({
  id: "llm",
  kind: "LLM",
  displayName: DISPLAY_NAME,
  description: "Chat completions from OpenAI or any server with the same API.",
  baseUrl: "https://api.openai.com/v1",
  apiVersion: { version: "v1", docsUrl: "https://platform.openai.com/docs/api-reference/introduction" },
  auth: { type: "bearer", field: "apiKey" },
  timeoutMs: 120_000,
  mapResponse: mapLlmResponse,
  connectionTest: { method: "GET", path: "/models" },
  actions: {
    chatCompletion: defineAction({
      description: "Completes a conversation; returns the assistant's message and token usage.",
      repeatSafety: "safe",
      endpoint: "POST /v1/chat/completions",
      docsUrl: "https://platform.openai.com/docs/api-reference/chat/create",
      input: z.object({
        model: z.string().min(1).default("gpt-4o-mini"),
        messages: z.array(message).min(1),
        temperature: z.number().min(0).max(2).optional(),
        maxTokens: z.number().int().positive().optional(),
        responseFormat: z.enum(["text", "json_object"]).default("text"),
      }),
      output: z.object({
        id: z.string(),
        model: z.string(),
        content: z.string(),
        finishReason: z.string().nullable(),
        usage: z.object({ promptTokens: z.number().int().nonnegative(), completionTokens: z.number().int().nonnegative(), totalTokens: z.number().int().nonnegative() }),
      }),
      async run(input, ctx) {
        const response = await ctx.http.request({
          method: "POST",
          path: "/chat/completions",
          json: {
            model: input.model,
            messages: input.messages,
            temperature: input.temperature,
            max_tokens: input.maxTokens,
            ...(input.responseFormat === "json_object" ? { response_format: { type: "json_object" } } : {}),
          },
        });
        const answer = response.body as CompletionAnswer;
        const choice = answer.choices?.[0];
        return {
          id: answer.id ?? "",
          model: answer.model ?? input.model,
          content: choice?.message?.content ?? "",
          finishReason: choice?.finish_reason ?? null,
          usage: {
            promptTokens: answer.usage?.prompt_tokens ?? 0,
            completionTokens: answer.usage?.completion_tokens ?? 0,
            totalTokens: answer.usage?.total_tokens ?? 0,
          },
        };
      },
      fixture: (input, mock) => {
        const lastUser = [...input.messages].reverse().find((candidate) => candidate.role === "user")?.content ?? "";
        const excerpt = lastUser.length > 160 ? `${lastUser.slice(0, 160)}...` : lastUser;
        const content =
          input.responseFormat === "json_object"
            ? JSON.stringify({ mock: true, summary: excerpt, score: mock.integer(1, 100) })
            : `Mock completion ${mock.hex(6)} for: ${excerpt}`;
        const promptTokens = input.messages.reduce((total, item) => total + countWords(item.content), 0) * 2;
        const completionTokens = countWords(content) * 2;
        return {
          id: `chatcmpl-${mock.id("", 24)}`,
          model: input.model,
          content,
          finishReason: "stop",
          usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens },
        };
      },
    }),
  },
});
