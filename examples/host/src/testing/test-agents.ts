import { defineAgent, UpstreamFailedError } from "@neonhub/core";
import { z } from "zod";

/** Repeats its input after recording one tool call. */
export const echoAgent = defineAgent({
  name: "echo",
  version: "1.0.0",
  description: "Repeats its text after posting it to a channel",
  kind: "test",
  input: z.object({ text: z.string().min(1) }),
  output: z.object({ text: z.string() }),
  handle: async (input, context) => {
    const posted = await context.tool({ connector: "slack", action: "postMessage" }, { channel: "#echo", text: input.text }, async () => ({ ok: true }));
    return { text: posted.ok ? input.text : "" };
  },
});

/** Always fails without retrying: opens its breaker after a few runs. */
export const brokenAgent = defineAgent({
  name: "broken",
  version: "1.0.0",
  description: "Fails every time",
  input: z.object({}),
  output: z.object({}),
  policies: { breaker: { failureThreshold: 2, resetTimeoutMs: 30_000 }, retry: { attempts: 1 } },
  handle: async () => {
    throw new UpstreamFailedError("The provider refused the request.");
  },
});

/** Waits until its run is cancelled or times out. */
export const waitingAgent = defineAgent({
  name: "waiting",
  version: "1.0.0",
  description: "Waits until cancelled",
  input: z.object({}),
  output: z.object({}),
  policies: { retry: { attempts: 1 } },
  handle: (_input, context) =>
    new Promise((_resolve, reject) => {
      context.signal.addEventListener("abort", () => reject(context.signal.reason), { once: true });
    }),
});

/** Waits durably for the signal `approval` and says who approved. */
export const approvalAgent = defineAgent({
  name: "approval",
  version: "1.0.0",
  description: "Waits for an approval",
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  handle: async (_input, context) => {
    const answer = await context.waitForSignal<{ approved: boolean }>("approval", { timeoutMs: 3_600_000 });
    if (!answer.received) return { text: "timed out" };
    return { text: `${answer.payload.approved ? "approved" : "rejected"} by ${answer.sentBy}` };
  },
});

/** Admits one run per minute per user. */
export const scarceAgent = defineAgent({
  name: "scarce",
  version: "1.0.0",
  description: "One run per minute",
  input: z.object({}),
  output: z.object({ ok: z.boolean() }),
  policies: { admission: { enabled: true, limit: 1, windowMs: 60_000 } },
  handle: async () => ({ ok: true }),
});
