import { defineAgent } from "@neonhub/core";
import { z } from "zod";
import type { RunConnectors } from "./run-connectors.js";

/** The emails of the sequence, in the order they go out. */
const EMAILS = [
  { key: "welcome", subject: (name: string) => `Welcome to NeonHub, ${name}` },
  { key: "first-steps", subject: () => "Three things to try this week" },
  { key: "offer", subject: () => "Your onboarding offer" },
] as const;

/**
 * Onboarding sequence: welcomes a new customer with three emails and tells the team on Discord twice. Five side
 * effects, each a journaled step whose provider deduplicates by the step's idempotency key (Resend's
 * `Idempotency-Key`, Discord's `nonce`): however often the run is retried or resumed, each goes out once.
 */
export function createOnboardingSequence(connectors: RunConnectors) {
  return defineAgent({
    name: "onboarding-sequence",
    version: "1.0.0",
    description: "Sends a new customer three onboarding emails and announces them to the team on Discord; each side effect happens once.",
    kind: "email",
    input: z.object({
      name: z.string().min(1).max(200),
      email: z.email(),
      from: z.string().min(3).default("NeonHub <hello@example.com>"),
      teamChannelId: z.string().regex(/^\d{17,20}$/),
    }),
    output: z.object({ emailIds: z.array(z.string()), messageIds: z.array(z.string()) }),
    handle: async (input, context) => {
      const tools = connectors.forRun(context);
      const emailIds: string[] = [];
      const messageIds: string[] = [];
      const send = async (email: (typeof EMAILS)[number]) => {
        const sent = await tools.invoke("email", "sendEmail", { from: input.from, to: input.email, subject: email.subject(input.name), text: `${email.key} for ${input.name}` }, { stepKey: `email:${email.key}` });
        emailIds.push(sent.id);
      };
      const announce = async (key: string, content: string) => {
        const message = await tools.invoke("discord", "sendChannelMessage", { channelId: input.teamChannelId, content }, { stepKey: `discord:${key}` });
        messageIds.push(message.id);
      };
      await send(EMAILS[0]);
      await announce("joined", `${input.name} joined and got the welcome email.`);
      await send(EMAILS[1]);
      await send(EMAILS[2]);
      await announce("onboarded", `${input.name} received the whole onboarding sequence.`);
      return { emailIds, messageIds };
    },
  });
}
