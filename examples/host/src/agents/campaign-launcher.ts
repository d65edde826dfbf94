import { createHash } from "node:crypto";
import { defineAgent } from "@neonhub/core";
import { z } from "zod";
import { X_MAX_WEIGHTED_LENGTH, xWeightedLength } from "@neonhub/connectors";
import type { RunConnectors } from "./run-connectors.js";

/** The longest prefix of `text` that X accepts, counted by X's weighted length. */
const fitToX = (text: string) => {
  let fitted = text;
  while (xWeightedLength(fitted) > X_MAX_WEIGHTED_LENGTH) fitted = Array.from(fitted).slice(0, -1).join("");
  return fitted;
};

const announcementKey = (organizationId: string, campaign: string, copy: string, recipients: readonly string[]) =>
  `campaign-announcement-${createHash("sha256").update(JSON.stringify([organizationId, campaign, copy, [...recipients].sort()])).digest("hex").slice(0, 32)}`;

/** Campaign launcher: drafts copy with the LLM, announces it on Slack, posts it on X and emails it. */
export function createCampaignLauncher(connectors: RunConnectors) {
  return defineAgent({
    name: "campaign-launcher",
    version: "1.0.0",
    description: "Drafts launch copy with the LLM, posts it to Slack, publishes a social post and sends the announcement email.",
    kind: "content",
    queue: "social.publish",
    input: z.object({
      campaign: z.string().min(1).max(200),
      product: z.string().min(1).max(200),
      audience: z.string().min(1).max(200).default("existing customers"),
      slackChannel: z.string().min(1).default("#marketing"),
      from: z.string().min(3).default("NeonHub <launch@example.com>"),
      recipients: z.array(z.email()).min(1).max(50),
    }),
    output: z.object({ copy: z.string(), slackTs: z.string(), socialPostId: z.string(), emailId: z.string(), tokens: z.number() }),
    handle: async (input, context) => {
      const tools = connectors.forRun(context);
      const draft = await tools.invoke("llm", "chatCompletion", {
        messages: [
          { role: "system", content: "You write short, concrete launch copy: one headline sentence and one call to action, under 240 characters." },
          { role: "user", content: `Campaign "${input.campaign}" launches ${input.product} for ${input.audience}.` },
        ],
        temperature: 0.2,
      });
      context.reportMetric("llm_tokens", draft.usage.totalTokens, "tokens");
      const copy = draft.content.slice(0, 240);
      const slack = await tools.invoke("slack", "postMessage", { channel: input.slackChannel, text: `Launching "${input.campaign}": ${copy}` });
      const post = await tools.invoke("x", "createPost", { text: fitToX(copy) });
      const email = await tools.invoke("email", "sendEmail", {
        from: input.from,
        to: input.recipients,
        subject: `${input.product}: ${input.campaign}`,
        text: copy,
        // The same announcement to the same people is delivered once, however often the run is retried.
        idempotencyKey: announcementKey(context.organizationId, input.campaign, copy, input.recipients),
      });
      return { copy, slackTs: slack.ts, socialPostId: post.id, emailId: email.id, tokens: draft.usage.totalTokens };
    },
  });
}
